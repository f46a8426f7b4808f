import type { ErrorCode } from '../../src-shared/errors.js';
import { MCP_SCOPE } from '../core/scope.js';

const DPOP_ALGS = 'ES256 ES384 PS256 RS256 EdDSA';

// RFC 6750 §3: a quoted value holds only %x20-21 / %x23-5B / %x5D-7E. The description can echo what
// the agent sent (a tool name with a NUL, a newline, "é"): Node refuses such a header outright.
const quote = (value: string): string => `"${value.replace(/[^\x20\x21\x23-\x5b\x5d-\x7e]/g, '')}"`;

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
  // RFC 9449 §7.1: a bad proof is the DPoP scheme's invalid_dpop_proof, an error Bearer does not
  // have: the Bearer challenge then only names the scheme and where its metadata lives.
  if (code.startsWith('ERR_DPOP_PROOF')) {
    return [`Bearer ${meta}`, `DPoP error="invalid_dpop_proof", error_description=${quote(description)}, algs=${quote(DPOP_ALGS)}, ${meta}`];
  }
  // A bad token is invalid_token (RFC 6750 §3.1) in both schemes.
  const error = code === 'ERR_TOOL_NOT_ALLOWED' ? 'insufficient_scope' : 'invalid_token';
  // The MCP scope challenge: the scope to ask for when authorizing again, which opens a new request in the owner's inbox.
  const scope = error === 'insufficient_scope' ? `, scope=${quote(MCP_SCOPE)}` : '';
  const params = `error="${error}"${scope}, error_description=${quote(description)}, ${meta}`;
  return [`Bearer ${params}`, `DPoP ${params}, algs=${quote(DPOP_ALGS)}`];
}
