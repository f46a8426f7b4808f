import type { DelegationRepository } from '../core/delegation-ports.js';
import type { OwnerRepository, ReaperFactsRepository } from '../core/reaper-ports.js';
import type {
  AttestationRepository,
  AuditRepository,
  CredentialRepository,
  DpopReplayStore,
  GrantRepository,
  EnvelopeUsageStore,
  IdentityRepository,
  JoinTokenRepository,
  McpServerRepository,
  MetaRepository,
  RateLimitStore,
  SigningKeyRepository,
  Transactor,
} from '../core/ports.js';
import { sqliteAttestationRepository } from './attestation-repository.js';
import { sqliteAuditRepository } from './audit-repository.js';
import { sqliteCredentialRepository } from './credential-repository.js';
import { sqliteDelegationRepository } from './delegation-repository.js';
import { sqliteDpopReplayRepository } from './dpop-replay-repository.js';
import { sqliteGrantRepository } from './grant-repository.js';
import { sqliteEnvelopeUsageRepository } from './envelope-usage-repository.js';
import { groupCommitter, type Db } from './database.js';
import { sqliteIdentityRepository } from './identity-repository.js';
import { sqliteJoinTokenRepository } from './join-token-repository.js';
import { sqliteMcpServerRepository } from './mcp-server-repository.js';
import { sqliteMetaRepository } from './meta-repository.js';
import { sqliteOwnerRepository } from './owner-repository.js';
import { sqliteRateBucketRepository } from './rate-bucket-repository.js';
import { sqliteReaperRepository } from './reaper-repository.js';
import type { WalCheckpointer } from './wal-checkpointer.js';
import { sqliteSigningKeyRepository } from './signing-key-repository.js';

/** Every repository over one connection: SQLite's file (the default) or Postgres (team mode). */
export interface Store extends Transactor {
  readonly identities: IdentityRepository;
  readonly joinTokens: JoinTokenRepository;
  readonly attestations: AttestationRepository;
  readonly credentials: CredentialRepository;
  readonly signingKeys: SigningKeyRepository;
  /** The authorization server's keys (RFC 9068 access tokens), never in the SPIFFE bundle. */
  readonly accessSigningKeys: SigningKeyRepository;
  readonly audit: AuditRepository;
  readonly meta: MetaRepository;
  readonly grants: GrantRepository;
  /** Cumulative envelope caps, shared by every process on this database. */
  readonly envelopeUsage: EnvelopeUsageStore;
  readonly mcpServers: McpServerRepository;
  /** Spent DPoP proofs (jkt, jti), shared by every gateway process on this database. */
  readonly dpopReplay: DpopReplayStore;
  /** Owners of agents (ACTIVE, DEPARTED, DISABLED): the orphan rule reads them. */
  readonly owners: OwnerRepository;
  /** The reaper's aggregate reads over the audit log and its cleanup of long-dead rows. */
  readonly reaperFacts: ReaperFactsRepository;
  /** Hops of delegation chains (RFC 8693 token exchange). */
  readonly delegations: DelegationRepository;
  /** Rate buckets shared by replicas (Postgres); null where one gateway process keeps them in memory (SQLite). */
  readonly sharedRateLimits: RateLimitStore | null;
  /** Commits `fn` together with other work queued in the same tick; settles after the commit. */
  groupCommit<T>(fn: () => T): Promise<T>;
  /** Changes when another connection commits: lets caches notice writes from the CLI or another replica. */
  dataVersion(): number;
  close(): void;
  /** The connection the approval, OAuth and JIT repositories are opened on. */
  readonly db: Db;
  readonly kind: 'sqlite' | 'postgres';
  /** Set when WAL checkpoints run in a worker thread (`walCheckpoints: 'worker'`). */
  readonly walCheckpointer: WalCheckpointer | null;
}

/** The parts only the connection knows; everything else is the same repositories over it. */
export interface StoreConnection {
  readonly kind: Store['kind'];
  readonly db: Db;
  readonly transactor: Transactor;
  readonly walCheckpointer: WalCheckpointer | null;
  dataVersion(): number;
  close(): void;
}

export function assembleStore(c: StoreConnection): Store {
  const { db, transactor } = c;
  return {
    kind: c.kind,
    db,
    walCheckpointer: c.walCheckpointer,
    transact: transactor.transact,
    afterCommit: transactor.afterCommit,
    groupCommit: groupCommitter(transactor),
    identities: sqliteIdentityRepository(db),
    joinTokens: sqliteJoinTokenRepository(db),
    attestations: sqliteAttestationRepository(db),
    credentials: sqliteCredentialRepository(db),
    signingKeys: sqliteSigningKeyRepository(db),
    accessSigningKeys: sqliteSigningKeyRepository(db, 'access_signing_keys'),
    audit: sqliteAuditRepository(db),
    meta: sqliteMetaRepository(db),
    grants: sqliteGrantRepository(db),
    envelopeUsage: sqliteEnvelopeUsageRepository(db, transactor),
    mcpServers: sqliteMcpServerRepository(db),
    dpopReplay: sqliteDpopReplayRepository(db),
    owners: sqliteOwnerRepository(db),
    reaperFacts: sqliteReaperRepository(db, { slices: c.kind === 'sqlite' }),
    delegations: sqliteDelegationRepository(db),
    sharedRateLimits: c.kind === 'postgres' ? sqliteRateBucketRepository(db, transactor) : null,
    dataVersion: c.dataVersion,
    close: c.close,
  };
}
