import type { IncomingMessage } from 'node:http';
import type { Environment } from '../../src-shared/domain.js';
import { CharonError } from '../core/errors.js';
import type { AgentContext, DelegationContext } from './agent-context.js';
import { presentedToken } from './authorization-header.js';

/** What the gateway needs from the credential authority: the full check (signature, claims, revocation, identity ACTIVE). */
export type VerifyCredential = (token: string, requestUrl: string) => Promise<{
  readonly jti: string;
  readonly spiffeId: string;
  readonly scope: string;
  readonly env: Environment;
  readonly dpopJkt: string | null;
  readonly expiresAt: number;
  readonly agentId: string;
  /** The agent's own SPIFFE id (a delegated token's `sub` is its owner). */
  readonly agentSpiffeId: string;
  readonly delegation: DelegationContext | null;
}>;

/**
 * Verifies a DPoP proof for this request (signature, htm, htu, iat, ath, jkt, nonce) and records its
 * jti; with `spendLater`, records nothing and returns the function that does (see AgentContext.spendProof).
 */
export type VerifyDpopProof = (proof: string, expect: { method: string; url: string; accessToken: string; jkt: string }, spendLater?: boolean) => Promise<(() => void) | undefined>;

export interface AuthenticateDeps {
  readonly verifyCredential: VerifyCredential;
  readonly verifyDpopProof: VerifyDpopProof;
  /** Environments where every token must be DPoP-bound (prod by default). */
  readonly dpopRequired: ReadonlySet<Environment>;
}

/**
 * Establishes who calls, on every request: a revoked credential or an identity that stopped
 * being ACTIVE is refused on the very next call. A DPoP-bound token needs a fresh proof and
 * the DPoP scheme; presenting it as Bearer is refused (RFC 9449 §7.1).
 */
export async function authenticate(req: IncomingMessage, requestUrl: string, deps: AuthenticateDeps, options: { spendProofLater?: boolean } = {}): Promise<AgentContext> {
  const { scheme, token } = presentedToken(req.headers.authorization);
  const credential = await deps.verifyCredential(token, requestUrl);
  let spendProof: (() => void) | undefined;
  if (credential.dpopJkt) {
    if (scheme !== 'DPoP') throw new CharonError('ERR_DPOP_BOUND_TOKEN_AS_BEARER', 'This token is DPoP-bound: present it with the DPoP scheme and a proof');
    const proof = req.headers.dpop;
    if (typeof proof !== 'string' || proof.length === 0) throw new CharonError('ERR_DPOP_PROOF_MISSING', 'A DPoP proof is required with a DPoP-bound token');
    spendProof = (await deps.verifyDpopProof(proof, { method: req.method ?? 'GET', url: requestUrl, accessToken: token, jkt: credential.dpopJkt }, options.spendProofLater === true)) ?? undefined;
  } else {
    if (scheme === 'DPoP') throw new CharonError('ERR_UNAUTHENTICATED', 'The DPoP scheme needs a DPoP-bound token');
    if (deps.dpopRequired.has(credential.env)) throw new CharonError('ERR_DPOP_REQUIRED', `${credential.env} credentials must be DPoP-bound`);
  }
  return {
    agentId: credential.agentId,
    spiffeId: credential.agentSpiffeId,
    jti: credential.jti,
    scope: credential.scope,
    environment: credential.env,
    dpopJkt: credential.dpopJkt,
    expiresAt: credential.expiresAt,
    delegation: credential.delegation,
    ...(spendProof ? { spendProof } : {}),
  };
}
