import type { OperatorMethod } from '../../src-shared/operator-api.js';

/** One fixed IPC channel per contract method: the preload binds each function to its own. */
export function operatorChannel(method: OperatorMethod): string {
  return `operator:${method}`;
}

/** The one channel the main process pushes operator events on (main → renderer only). */
export const OPERATOR_EVENT_CHANNEL = 'operator-event';
