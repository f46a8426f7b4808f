import { OperatorCallError } from './operator-client.js';

/** What a failure says to the owner: a stable code and words. */
export interface ErrorText {
  readonly code: string;
  readonly message: string;
}

// A passkey prompt the owner closed, or that timed out, is a choice, not an internal error.
const CANCELLED = new Set(['NotAllowedError', 'AbortError']);

export function errorText(error: unknown): ErrorText {
  if (error instanceof OperatorCallError) return { code: error.code, message: error.message };
  if (error instanceof Error && (CANCELLED.has(error.name) || (error as { code?: unknown }).code === 'ERROR_CEREMONY_ABORTED')) {
    return { code: 'ERR_PASSKEY_CANCELLED', message: 'The passkey prompt was cancelled or timed out. Nothing was changed; try again when ready.' };
  }
  return { code: 'ERR_INTERNAL', message: error instanceof Error ? error.message : String(error) };
}
