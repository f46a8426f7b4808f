// Stable error codes. They cross IPC and HTTP as `{ code, message }`; never rename one.
export const ERROR_CODES = [
  // Input
  'ERR_INVALID_INPUT',
  // Identities and lifecycle
  'ERR_IDENTITY_NOT_FOUND',
  'ERR_IDENTITY_EXISTS',
  'ERR_IDENTITY_NOT_ACTIVE',
  /** An owner name nobody has used: refused unless the caller says it is a new owner (a typo must not make one). */
  'ERR_OWNER_NOT_FOUND',
  'ERR_ILLEGAL_TRANSITION',
  // Grants
  'ERR_GRANT_NOT_FOUND',
  'ERR_GRANT_WIDENS',
  'ERR_GRANT_NOT_ACTIVE',
  // Passkeys and grant approvals
  'ERR_PASSKEY_REQUIRED',
  'ERR_PASSKEY_NOT_FOUND',
  'ERR_ASSERTION_INVALID',
  'ERR_USER_VERIFICATION_REQUIRED',
  'ERR_CHALLENGE_INVALID',
  'ERR_CHALLENGE_EXPIRED',
  'ERR_APPROVAL_REQUIRED',
  'ERR_GRANT_REQUEST_NOT_FOUND',
  'ERR_GRANT_REQUEST_NOT_PENDING',
  'ERR_GRANT_REQUEST_EXPIRED',
  'ERR_GRANT_REQUEST_LIMIT',
  'ERR_GRANT_REQUEST_BACKOFF',
  // Just-in-time consent: a call held for the owner's approval was not approved in time
  'ERR_APPROVAL_PENDING',
  // OAuth for MCP clients (the RFC 6749 error travels beside the code)
  'ERR_OAUTH_INVALID_REQUEST',
  'ERR_OAUTH_INVALID_CLIENT',
  'ERR_OAUTH_INVALID_GRANT',
  'ERR_OAUTH_INVALID_TARGET',
  'ERR_OAUTH_REDIRECT_URI_MISMATCH',
  'ERR_OAUTH_PKCE_REQUIRED',
  'ERR_OAUTH_CODE_REUSED',
  'ERR_OAUTH_REFRESH_REUSED',
  'ERR_OAUTH_ACCESS_DENIED',
  // Attestation
  'ERR_ATTESTATION_REQUIRED',
  'ERR_JOIN_TOKEN_INVALID',
  'ERR_JOIN_TOKEN_USED',
  'ERR_JOIN_TOKEN_EXPIRED',
  'ERR_SELECTOR_MISMATCH',
  'ERR_K8S_TOKEN_INVALID',
  'ERR_K8S_NOT_CONFIGURED',
  // Tokens (names follow jose's where the meaning is the same)
  'ERR_JWT_MALFORMED',
  'ERR_JOSE_ALG_NOT_ALLOWED',
  'ERR_JOSE_HEADER_INVALID',
  'ERR_JWKS_NO_MATCHING_KEY',
  'ERR_JWS_SIGNATURE_VERIFICATION_FAILED',
  'ERR_JWT_EXPIRED',
  'ERR_JWT_NOT_YET_VALID',
  'ERR_JWT_AUDIENCE_INVALID',
  'ERR_JWT_ISSUER_INVALID',
  'ERR_JWT_CLAIM_INVALID',
  // Credentials
  'ERR_CREDENTIAL_UNKNOWN',
  'ERR_CREDENTIAL_REVOKED',
  'ERR_CREDENTIAL_ROTATED',
  'ERR_CREDENTIAL_NOT_FOUND',
  'ERR_SCOPE_NOT_ALLOWED',
  // The gateway's callers
  'ERR_DPOP_BOUND_TOKEN_AS_BEARER',
  'ERR_DPOP_PROOF_MISSING',
  'ERR_DPOP_REQUIRED',
  // DPoP proofs (RFC 9449), checked by src-main/crypto/dpop.ts; which check gives which code is listed there
  'ERR_DPOP_PROOF_INVALID',
  'ERR_DPOP_PROOF_MISMATCH',
  'ERR_DPOP_PROOF_STALE',
  'ERR_DPOP_PROOF_REPLAYED',
  'ERR_DPOP_NONCE_REQUIRED',
  'ERR_SESSION_NOT_FOUND',
  'ERR_TOOL_NOT_ALLOWED',
  'ERR_ARGUMENT_INVALID',
  'ERR_PATH_OUTSIDE_ROOT',
  // Grant envelopes (rate limits, time windows, cumulative caps)
  'ERR_RATE_LIMITED',
  'ERR_OUTSIDE_TIME_WINDOW',
  'ERR_CAP_EXCEEDED',
  'ERR_GRANT_USED_UP',
  'ERR_SERVER_NOT_APPROVED',
  'ERR_TOKEN_KIND',
  // Downstream MCP servers
  'ERR_DOWNSTREAM_UNAVAILABLE',
  'ERR_DOWNSTREAM_TIMEOUT',
  // Callers and channels
  'ERR_UNAUTHENTICATED',
  'ERR_FORBIDDEN',
  'ERR_NOT_FOUND',
  // Team mode: operators, their invites and M-of-N approvals
  'ERR_OPERATOR_NOT_FOUND',
  'ERR_OPERATOR_EXISTS',
  'ERR_INVITE_INVALID',
  'ERR_QUORUM_ALREADY_SIGNED',
  'ERR_QUORUM_SPEC_MISMATCH',
  'ERR_METHOD_NOT_ALLOWED',
  'ERR_PAYLOAD_TOO_LARGE',
  'ERR_UNSUPPORTED_MEDIA_TYPE',
  'ERR_NOT_ACCEPTABLE',
  'ERR_STREAM_CONFLICT',
  // MCP 2026-07-28 (stateless requests): mirrored headers, versions, methods, multi round-trip state
  'ERR_HEADER_MISMATCH',
  'ERR_UNSUPPORTED_PROTOCOL_VERSION',
  'ERR_METHOD_NOT_FOUND',
  'ERR_REQUEST_STATE_INVALID',
  'ERR_BAD_ORIGIN',
  'ERR_BAD_HOST',
  // Delegation (RFC 8693 token exchange)
  'ERR_UNSUPPORTED_GRANT_TYPE',
  'ERR_DELEGATION_WIDENS',
  'ERR_DELEGATION_LIFETIME_EXCEEDED',
  'ERR_DELEGATION_DEPTH_EXCEEDED',
  'ERR_DELEGATION_CHAIN_INVALID',
  'ERR_DELEGATION_ACTOR_INVALID',
  'ERR_DELEGATION_ACTOR_INACTIVE',
  'ERR_DELEGATION_OWNER_INACTIVE',
  'ERR_DELEGATION_REVOKED',
  'ERR_DELEGATION_ASSURANCE_RAISED',
  'ERR_DELEGATION_ASSURANCE_TOO_LOW',
  'ERR_DELEGATION_TARGET_INVALID',
  'ERR_DELEGATION_NOT_FOUND',
  // Keys and storage
  'ERR_KEY_NOT_FOUND',
  'ERR_MASTER_KEY_LOCKED',
  'ERR_STORE_BUSY',
  'ERR_STORE_FULL',
  'ERR_STORE_UNAVAILABLE',
  'ERR_STORE_NOT_EMPTY',
  'ERR_AUDIT_CHAIN_BROKEN',
  'ERR_AUDIT_UNAUTHENTICATED',
  'ERR_ALREADY_RUNNING',
  'ERR_INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ErrorPayload {
  readonly code: ErrorCode;
  readonly message: string;
}

const codeSet: ReadonlySet<string> = new Set(ERROR_CODES);

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && codeSet.has(value);
}

export function isErrorPayload(value: unknown): value is ErrorPayload {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return isErrorCode(v.code) && typeof v.message === 'string';
}
