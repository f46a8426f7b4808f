import { isErrorCode, type ErrorPayload } from '../../src-shared/errors.js';

const GENERIC_MESSAGE = 'Internal error; see the control plane log.';

/**
 * What a failure looks like across IPC: a typed error keeps its stable code and message;
 * anything else becomes ERR_INTERNAL with a generic message, so no stack trace or internal
 * detail reaches the renderer. Duck-typed on `code` because errors may come from another
 * bundle's copy of CharonError.
 */
export function toErrorPayload(error: unknown): ErrorPayload {
  if (typeof error === 'object' && error !== null) {
    const { code, message } = error as { code?: unknown; message?: unknown };
    if (isErrorCode(code) && code !== 'ERR_INTERNAL') {
      return { code, message: typeof message === 'string' ? message : code };
    }
  }
  return { code: 'ERR_INTERNAL', message: GENERIC_MESSAGE };
}
