// Seam of delegation (DESIGN.md §7): the stored hops of RFC 8693 chains.
import type { LifecycleState } from '../../src-shared/domain.js';
import type { DelegationDto, DelegationState } from '../../src-shared/delegation.js';
import type { OwnerState } from '../../src-shared/reaper.js';

/** A hop as stored; the operator contract shows it as is. */
export type DelegationRecord = DelegationDto;

/** One hop of a chain as the verify read returns it: what must still hold when the token is used. */
export interface ChainHopState {
  readonly id: string;
  readonly parentId: string | null;
  readonly depth: number;
  readonly agentId: string;
  readonly scope: string;
  readonly environment: DelegationDto['environment'];
  readonly acr: DelegationDto['acr'];
  readonly dpopJkt: string | null;
  readonly expiresAt: number;
  readonly state: DelegationState;
  /** Whether the hop narrows the authority it received (servers, tools, constraints, envelope). */
  readonly narrowed: boolean;
  /** The lifecycle state of the hop's agent now (null if the identity is gone). */
  readonly agentState: LifecycleState | null;
}

/** The chain of a delegated token, read with its credential in one query. */
export interface ChainState {
  readonly hopId: string;
  readonly ownerId: string;
  /** The owner's state; an owner without a record is ACTIVE. */
  readonly ownerState: OwnerState;
  /** Root first, this token's hop last. */
  readonly hops: readonly ChainHopState[];
}

export interface DelegationFilter {
  readonly ownerId?: string;
  /** Hops whose chain passes through this agent (as delegator or delegatee). */
  readonly agentId?: string;
  /** Only ACTIVE hops expiring after this time. */
  readonly liveAt?: number;
}

export interface DelegationRepository {
  insert(hop: DelegationRecord): void;
  get(id: string): DelegationRecord | null;
  getByJti(jti: string): DelegationRecord | null;
  /** Root first. */
  chain(id: string): DelegationRecord[];
  list(filter: DelegationFilter): DelegationRecord[];
  /** ACTIVE hops below `id` in its tree (not `id` itself). */
  liveDescendants(id: string, at: number): DelegationRecord[];
  /** ACTIVE hops below any hop received by `agentId`, unexpired at `at`. */
  liveDescendantsOfAgent(agentId: string, at: number): DelegationRecord[];
  /** Marks these hops REVOKED (those still ACTIVE); returns the ids that changed. */
  revoke(ids: readonly string[], at: number, reason: string): string[];
}
