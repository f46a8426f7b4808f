// Seams (DESIGN.md §7): the domain depends on these interfaces, SQLite implements them
// today, and another store can implement them tomorrow.
import type { CredentialState, Environment, LifecycleState } from '../../src-shared/domain.js';
import type { ServerConfig } from '../../src-shared/mcp-servers.js';
import type {
  AttestationRecord,
  AuditCheckpointRecord,
  AuditRecord,
  CredentialRecord,
  GrantRecord,
  IdentityRecord,
  JoinTokenRecord,
  SigningKeyRecord,
} from './records.js';
import type { ChainState } from './delegation-ports.js';
import type { RateLimit } from './token-bucket.js';

/** Runs `fn` atomically with the write lock held; a nested call is a savepoint inside the outer transaction. */
export interface Transactor {
  transact<T>(fn: () => T): T;
  /** Runs `fn` once the current transaction commits (at once outside one); dropped on rollback. */
  afterCommit(fn: () => void): void;
}

export interface IdentityFilter {
  readonly state?: LifecycleState;
  readonly environment?: Environment;
  readonly owner?: string;
}

/** A downstream MCP server as the operator configured it (`mcpServers` shape). */
export interface McpServerRecord {
  readonly name: string;
  readonly config: ServerConfig;
  /** Charon's keyed MAC over (name, config), written when it was set through the operator path; null for a row written behind its back. */
  readonly approval: string | null;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface McpServerRepository {
  list(): McpServerRecord[];
  get(name: string): McpServerRecord | null;
  /** Inserts or replaces; `createdAt` survives a replace. */
  upsert(name: string, config: ServerConfig, at: number, approval: string | null): McpServerRecord;
  /** False if there was no such server. */
  delete(name: string): boolean;
}

export interface IdentityRepository {
  insert(identity: IdentityRecord): void;
  get(id: string): IdentityRecord | null;
  list(filter: IdentityFilter): IdentityRecord[];
  setState(id: string, state: LifecycleState, at: number): void;
  recordAttestation(id: string, attestedAt: number, expiresAt: number): void;
  touch(id: string, at: number): void;
  countByState(): Record<LifecycleState, number>;
}

export interface JoinTokenRepository {
  insert(token: JoinTokenRecord): void;
  get(tokenHash: string): JoinTokenRecord | null;
  /** Marks the token used; false if it already was (single use under concurrency). */
  markUsed(tokenHash: string, at: number): boolean;
}

export interface AttestationRepository {
  insert(attestation: AttestationRecord): void;
  latest(agentId: string): AttestationRecord | null;
}

export interface CredentialRepository {
  /** The jti for the next credential inserted, inside the same write transaction (the store may encode where it goes). */
  nextJti(): string;
  insert(credential: CredentialRecord): void;
  get(jti: string): CredentialRecord | null;
  /** The credential, its identity's lifecycle state and (delegated tokens) its chain, in one read (the verify hot path). */
  getWithIdentityState(jti: string): { credential: CredentialRecord; identityState: LifecycleState; chain: ChainState | null } | null;
  list(filter: { agentId?: string; liveAt?: number }): CredentialRecord[];
  setState(jti: string, state: CredentialState, at: number, extra?: { rotatedTo?: string; reason?: string }): void;
  /** Revokes every ACTIVE credential of the agent; returns how many. */
  revokeAllForAgent(agentId: string, at: number, reason: string): string[];
  revokeAll(at: number, reason: string): string[];
  latestExpiryForKey(kid: string): number | null;
}

export interface SigningKeyRepository {
  insert(key: SigningKeyRecord): void;
  list(): SigningKeyRecord[];
  retire(kid: string, at: number, leavesBundleAt: number): void;
  isActive(kid: string): boolean;
}

export interface AuditRepository {
  head(): { seq: number; hash: string } | null;
  /** `mac`: the record's keyed MAC (audit/record-mac.ts); null only where no key is at hand (tests of the chain alone). */
  insert(record: AuditRecord, mac: string | null): void;
  range(afterSeq: number, limit: number): AuditRecord[];
  /** Like range, with each record's stored MAC (null for records written before MACs existed, or forged). */
  rangeWithMac(afterSeq: number, limit: number): (AuditRecord & { readonly mac: string | null })[];
  /** Only what a MAC check reads (seq, hash, MAC), in seq order: no record's details parsed. */
  macsFrom(afterSeq: number, limit: number): { readonly seq: number; readonly hash: string; readonly mac: string | null }[];
  list(filter: { afterSeq?: number; beforeSeq?: number; limit: number; kind?: string; subject?: string; actor?: string }): AuditRecord[];
  count(): number;
  insertCheckpoint(checkpoint: AuditCheckpointRecord): void;
  checkpoints(): AuditCheckpointRecord[];
  latestCheckpoint(): AuditCheckpointRecord | null;
}

export interface MetaRepository {
  get(key: string): string | null;
  set(key: string, value: string): void;
}

/** Adds `units` to the total of `key` in the period starting at `periodStart`, if it stays ≤ `maxUnits`. */
export interface UsageReservation {
  readonly key: string;
  readonly periodStart: number;
  /** 1/10 000 of the amount; never negative. */
  readonly units: bigint;
  readonly maxUnits: bigint;
}

/**
 * Cumulative envelope caps (DESIGN.md §7 "envelope store"). Shared by every gateway on the same
 * data, so check-and-add must be one atomic step in the store itself: reading the total and
 * writing it back in two steps would let two gateways both see room for one more call.
 */
export interface EnvelopeUsageStore {
  /** All or nothing: adds every reservation if each fits, else none; `failed` is the first that did not. */
  reserve(items: readonly UsageReservation[]): { ok: true } | { ok: false; failed: number };
  /** Takes back units reserved earlier for a call that was not made; a total never goes below zero. */
  release(items: readonly Omit<UsageReservation, 'maxUnits'>[]): void;
  /** The total so far in one period (0 if none). */
  used(key: string, periodStart: number): bigint;
  /** Forgets periods that started before `periodStart`; returns how many rows went. */
  pruneBefore(periodStart: number): number;
}

/**
 * Rate-limit buckets. Each call to `take` must decide and record in one step, so concurrent
 * calls can never both take the last token.
 */
export interface RateLimitStore {
  take(key: string, limit: RateLimit, now: number): { ok: true } | { ok: false; retryAfterMs: number };
  /** Returns one token taken by `take` for a call that was then not made. */
  giveBack(key: string, limit: RateLimit): void;
}

export interface GrantRepository {
  insert(grant: GrantRecord): void;
  get(id: string): GrantRecord | null;
  /** Newest first; `state` filters on the stored state. */
  list(filter: { agentId?: string; state?: GrantRecord['state'] }): GrantRecord[];
  /** Replaces the spec of a grant (narrowing keeps the id). */
  replaceSpec(id: string, spec: GrantRecord['spec'], specHash: string, expiresAt: number | null, at: number): void;
  setState(id: string, state: GrantRecord['state'], at: number): void;
}

/**
 * DPoP proof replay detection (RFC 9449 §11.1). `remember` checks and records in one step, so
 * two requests carrying the same proof (even in two gateway processes on the same data) can
 * never both pass. Keyed by the proof key's thumbprint too: jti values are chosen by clients,
 * and one client must not be able to burn another's.
 */
export interface DpopReplayStore {
  /**
   * Records the proof until `expiresAt` (epoch ms); false if this (jkt, jti) was seen before, or
   * if its window ended before a purge that may have forgotten it (a clock that jumped back).
   */
  remember(jkt: string, jti: string, expiresAt: number): boolean;
  /** Forgets proofs whose acceptance window ended well before `now` (a store may keep a margin); returns how many rows went. */
  purgeExpired(now: number): number;
}
