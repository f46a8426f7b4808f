import type { ErrorCode, ErrorPayload } from '../../src-shared/errors.js';

/** HTTP status for each error code; the body always carries the stable `{ code, message }`. */
export function httpStatusOf(code: ErrorCode): number {
  switch (code) {
    case 'ERR_INVALID_INPUT':
    case 'ERR_JWT_MALFORMED':
    case 'ERR_K8S_NOT_CONFIGURED':
      return 400;
    case 'ERR_UNAUTHENTICATED':
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
    case 'ERR_JOSE_HEADER_INVALID':
    case 'ERR_JWKS_NO_MATCHING_KEY':
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
    case 'ERR_JWT_EXPIRED':
    case 'ERR_JWT_NOT_YET_VALID':
    case 'ERR_JWT_AUDIENCE_INVALID':
    case 'ERR_JWT_ISSUER_INVALID':
    case 'ERR_JWT_CLAIM_INVALID':
    case 'ERR_CREDENTIAL_UNKNOWN':
    case 'ERR_CREDENTIAL_REVOKED':
    case 'ERR_CREDENTIAL_ROTATED':
    case 'ERR_JOIN_TOKEN_INVALID':
    case 'ERR_JOIN_TOKEN_USED':
    case 'ERR_JOIN_TOKEN_EXPIRED':
    case 'ERR_SELECTOR_MISMATCH':
    case 'ERR_K8S_TOKEN_INVALID':
    case 'ERR_DPOP_BOUND_TOKEN_AS_BEARER':
    case 'ERR_DPOP_PROOF_MISSING':
    case 'ERR_DPOP_REQUIRED':
    case 'ERR_DPOP_PROOF_INVALID':
    case 'ERR_DPOP_PROOF_MISMATCH':
    case 'ERR_DPOP_PROOF_STALE':
    case 'ERR_DPOP_PROOF_REPLAYED':
    case 'ERR_DPOP_NONCE_REQUIRED':
      return 401;
    case 'ERR_FORBIDDEN':
    case 'ERR_GRANT_WIDENS':
    case 'ERR_SCOPE_NOT_ALLOWED':
    case 'ERR_IDENTITY_NOT_ACTIVE':
    case 'ERR_ATTESTATION_REQUIRED':
    case 'ERR_BAD_ORIGIN':
    case 'ERR_BAD_HOST':
    case 'ERR_TOOL_NOT_ALLOWED':
    case 'ERR_ARGUMENT_INVALID':
    case 'ERR_PATH_OUTSIDE_ROOT':
    case 'ERR_OUTSIDE_TIME_WINDOW':
    case 'ERR_CAP_EXCEEDED':
    case 'ERR_PASSKEY_REQUIRED':
    case 'ERR_ASSERTION_INVALID':
    case 'ERR_USER_VERIFICATION_REQUIRED':
    case 'ERR_CHALLENGE_INVALID':
    case 'ERR_CHALLENGE_EXPIRED':
    case 'ERR_APPROVAL_REQUIRED':
      return 403;
    case 'ERR_NOT_FOUND':
    case 'ERR_GRANT_NOT_FOUND':
    case 'ERR_IDENTITY_NOT_FOUND':
    case 'ERR_CREDENTIAL_NOT_FOUND':
    case 'ERR_KEY_NOT_FOUND':
    case 'ERR_SESSION_NOT_FOUND':
    case 'ERR_PASSKEY_NOT_FOUND':
    case 'ERR_GRANT_REQUEST_NOT_FOUND':
      return 404;
    case 'ERR_METHOD_NOT_ALLOWED':
      return 405;
    case 'ERR_IDENTITY_EXISTS':
    case 'ERR_GRANT_NOT_ACTIVE':
    case 'ERR_ILLEGAL_TRANSITION':
    case 'ERR_AUDIT_CHAIN_BROKEN':
    case 'ERR_GRANT_REQUEST_NOT_PENDING':
    case 'ERR_GRANT_REQUEST_EXPIRED':
      return 409;
    case 'ERR_PAYLOAD_TOO_LARGE':
      return 413;
    case 'ERR_UNSUPPORTED_MEDIA_TYPE':
      return 415;
    case 'ERR_RATE_LIMITED':
    case 'ERR_GRANT_REQUEST_LIMIT':
    case 'ERR_GRANT_REQUEST_BACKOFF':
      return 429;
    case 'ERR_STORE_BUSY':
    case 'ERR_MASTER_KEY_LOCKED':
      return 503;
    case 'ERR_INTERNAL':
      return 500;
    case 'ERR_DOWNSTREAM_UNAVAILABLE':
      return 502;
    case 'ERR_DOWNSTREAM_TIMEOUT':
      return 504;
  }
}

export const errorBody = (error: ErrorPayload): { code: ErrorCode; message: string } => ({ code: error.code, message: error.message });
