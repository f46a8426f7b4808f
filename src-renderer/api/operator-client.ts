import type { ErrorCode } from '../../src-shared/errors.js';
import { OPERATOR_METHODS, type OperatorClient, type OperatorMethod } from '../../src-shared/operator-api.js';
import { bridgeTransport, teamTransport } from './bridge-transport.js';
import { reloadOnNewSecret, takeBridgeSecret } from './bridge-secret.js';
import { ipcTransport } from './ipc-transport.js';
import type { Transport, TransportKind } from './transport.js';
import { bridgeEvents, ipcEvents, teamEvents, type EventSubscribe } from '../live/event-stream.js';

/** A refused or failed operator call, with the contract's stable error code. */
export class OperatorCallError extends Error {
  readonly code: ErrorCode;
  readonly method: OperatorMethod;

  constructor(code: ErrorCode, message: string, method: OperatorMethod) {
    super(message);
    this.name = 'OperatorCallError';
    this.code = code;
    this.method = method;
  }
}

/** One function per contract method over the given transport; a failed Result is thrown. */
export function createOperatorClient(transport: Transport): OperatorClient {
  const call = (method: OperatorMethod) => async (input: unknown) => {
    const result = await transport(method, input);
    if (!result.ok) throw new OperatorCallError(result.error.code, result.error.message, method);
    return result.value;
  };
  // Built from the method list, so the client has exactly the contract's methods.
  return Object.freeze(Object.fromEntries(OPERATOR_METHODS.map((method) => [method, call(method)]))) as OperatorClient;
}

export interface ConnectedClient {
  readonly client: OperatorClient;
  readonly kind: TransportKind;
  /** Pushed events over the same channel as the calls. */
  readonly events: EventSubscribe;
}

/** The desktop preload's IPC when present, else the team console (served over https only), else the headless bridge on this origin. */
export function connectOperatorClient(): ConnectedClient {
  // Always consume the fragment, so a secret never lingers in the address bar.
  const secret = takeBridgeSecret();
  const api = window.charon;
  if (api) return { client: createOperatorClient(ipcTransport(api)), kind: 'desktop', events: ipcEvents(window.charonEvents ?? { subscribe: () => () => undefined }) };
  // The loopback bridge is plain http; a team server's console is TLS only.
  if (window.location.protocol === 'https:') return { client: createOperatorClient(teamTransport()), kind: 'team', events: teamEvents() };
  reloadOnNewSecret();
  return { client: createOperatorClient(bridgeTransport(secret)), kind: 'headless', events: bridgeEvents(secret) };
}
