import type { ErrorCode, ErrorPayload } from '../../src-shared/errors.js';

// The status table lives in core: the gateway answers with it too.
export { httpStatusOf } from '../core/http-status.js';

export const errorBody = (error: ErrorPayload): { code: ErrorCode; message: string } => ({ code: error.code, message: error.message });
