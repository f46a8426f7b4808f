import type { Environment } from '../../src-shared/domain.js';

/** A delegated token's chain (RFC 8693), as verified on this request. */
export interface DelegationContext {
  /** The hop that issued this token. */
  readonly hopId: string;
  /** The owner's SPIFFE id: the token's `sub`, the human the chain traces back to. */
  readonly subject: string;
  /** The actors' SPIFFE ids, root first; the last is the agent calling. */
  readonly actors: readonly string[];
  /** The agent at the root of the chain: its grants are the authority every hop narrows. */
  readonly rootAgentId: string;
  /** Hops, root first, that narrowed the authority they received (their authority applies too). */
  readonly narrowing: readonly string[];
  readonly acr: string | null;
}

/** Who is calling, established afresh on every HTTP request to the gateway. */
export interface AgentContext {
  /** The agent calling (for a delegated token, the current actor). */
  readonly agentId: string;
  /** The agent's SPIFFE id (for a delegated token, the current actor's; the owner is `delegation.subject`). */
  readonly spiffeId: string;
  readonly jti: string;
  readonly scope: string;
  readonly environment: Environment;
  readonly dpopJkt: string | null;
  /** Epoch milliseconds. */
  readonly expiresAt: number;
  /** Null for the agent's own credential. */
  readonly delegation: DelegationContext | null;
  /**
   * Set when the request's DPoP proof was verified but not spent yet: the decision's record runs
   * it in the same commit (it throws ERR_DPOP_PROOF_REPLAYED for a used proof).
   */
  readonly spendProof?: () => void;
}
