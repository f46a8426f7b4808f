// Seams (DESIGN.md §7): the domain depends on these interfaces, SQLite implements them
// today, and another store can implement them tomorrow.
import type { CredentialState, Environment, LifecycleState } from '../../src-shared/domain.js';
import type {
  AttestationRecord,
  AuditCheckpointRecord,
  AuditRecord,
  CredentialRecord,
  IdentityRecord,
  JoinTokenRecord,
  SigningKeyRecord,
} from './records.js';

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
  insert(credential: CredentialRecord): void;
  get(jti: string): CredentialRecord | null;
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
}

export interface AuditRepository {
  head(): { seq: number; hash: string } | null;
  insert(record: AuditRecord): void;
  range(afterSeq: number, limit: number): AuditRecord[];
  list(filter: { afterSeq?: number; beforeSeq?: number; limit: number; kind?: string; subject?: string }): AuditRecord[];
  count(): number;
  insertCheckpoint(checkpoint: AuditCheckpointRecord): void;
  checkpoints(): AuditCheckpointRecord[];
  latestCheckpoint(): AuditCheckpointRecord | null;
}

export interface MetaRepository {
  get(key: string): string | null;
  set(key: string, value: string): void;
}
