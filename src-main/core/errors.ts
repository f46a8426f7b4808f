import type { ErrorCode, ErrorPayload } from '../../src-shared/errors.js';

/**
 * A typed, expected failure: untrusted input or a refused operation. The code is stable
 * and travels across IPC and HTTP as `{ code, message }`. A caller's bug is a TypeError.
 */
export class CharonError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CharonError';
    this.code = code;
  }

  toPayload(): ErrorPayload {
    return { code: this.code, message: this.message };
  }
}

export function isCharonError(error: unknown, code?: ErrorCode): error is CharonError {
  return error instanceof CharonError && (code === undefined || error.code === code);
}

/**
 * The store could not do its part (locked by another process or replica, unable to grow, or out of
 * reach): the operation failed closed, nothing of it was written, and there is no refusal to record either.
 */
export function isStoreFault(error: unknown): boolean {
  return error instanceof CharonError && (error.code === 'ERR_STORE_BUSY' || error.code === 'ERR_STORE_FULL' || error.code === 'ERR_STORE_UNAVAILABLE');
}

/** What crosses a boundary: typed errors keep their code; anything else is hidden behind ERR_INTERNAL. */
export function toErrorPayload(error: unknown): ErrorPayload {
  if (error instanceof CharonError) return error.toPayload();
  return { code: 'ERR_INTERNAL', message: 'Internal error; see the control plane log.' };
}
