import { AUDIT_DECISIONS } from '../../src-shared/domain.js';
import type { OperatorEventMessage } from '../../src-shared/operator-api.js';

/** A pushed message, if it has the shape the contract promises; anything else is dropped. */
export function toEventMessage(event: string, data: unknown): OperatorEventMessage | null {
  if (event !== 'audit.appended' || typeof data !== 'object' || data === null) return null;
  const d = data as Record<string, unknown>;
  const ok =
    Number.isSafeInteger(d.seq) &&
    typeof d.time === 'number' &&
    typeof d.kind === 'string' &&
    typeof d.actor === 'string' &&
    typeof d.subject === 'string' &&
    typeof d.hash === 'string' &&
    typeof d.prevHash === 'string' &&
    (AUDIT_DECISIONS as readonly unknown[]).includes(d.decision) &&
    typeof d.details === 'object' &&
    d.details !== null;
  return ok ? ({ event: 'audit.appended', data } as OperatorEventMessage) : null;
}

export function parseEventData(event: string, text: string): OperatorEventMessage | null {
  try {
    return toEventMessage(event, JSON.parse(text));
  } catch {
    return null;
  }
}
