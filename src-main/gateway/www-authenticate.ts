import type { ErrorCode } from '../../src-shared/errors.js';

const DPOP_ALGS = 'ES256 ES384 PS256 RS256 EdDSA';

const quote = (value: string): string => `"${value.replace(/["\\]/g, '')}"`;

/**
 * RFC 6750 §3 / RFC 9449 §7.1 challenges. No credential: just the schemes and where the
 * metadata lives (RFC 9728 §5.1); a bad one: `invalid_token`; not allowed: `insufficient_scope`.
 */
export function challenges(code: ErrorCode | 'missing', resourceMetadata: string, description: string): string[] {
  const meta = `resource_metadata=${quote(resourceMetadata)}`;
  if (code === 'missing') return [`Bearer ${meta}`, `DPoP algs=${quote(DPOP_ALGS)}, ${meta}`];
  if (code === 'ERR_DPOP_NONCE_REQUIRED') {
    return [`DPoP error="use_dpop_nonce", error_description=${quote(description)}, algs=${quote(DPOP_ALGS)}, ${meta}`];
  }
  // RFC 9449 §7.1: a bad proof is invalid_dpop_proof; a bad token invalid_token (RFC 6750 §3.1).
  const error = code === 'ERR_TOOL_NOT_ALLOWED' ? 'insufficient_scope' : code.startsWith('ERR_DPOP_PROOF') ? 'invalid_dpop_proof' : 'invalid_token';
  const params = `error="${error}", error_description=${quote(description)}, ${meta}`;
  return [`Bearer ${params}`, `DPoP ${params}, algs=${quote(DPOP_ALGS)}`];
}
