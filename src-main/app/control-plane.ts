import type { OperatorHandlers } from '../../src-shared/operator-api.js';
import { AttestationService } from '../attest/attestation-service.js';
import { K8sPsatAttestor } from '../attest/k8s-psat.js';
import { AuditLog } from '../audit/audit-log.js';
import { AuditFeed } from '../audit/audit-feed.js';
import { CheckpointAnchor } from '../audit/checkpoint-anchor.js';
import { Checkpointer } from '../audit/checkpointer.js';
import { deriveAuditMacKey } from '../audit/record-mac.js';
import { acquireInstanceLock, type InstanceLock } from '../store/instance-lock.js';
import { ProdApprovalGate } from './prod-approval-gate.js';
import { TlsAuthority } from './tls-authority.js';
import { serverApproval, type ServerApproval } from './server-approval.js';
import { CredentialAuthority } from '../authority/credential-authority.js';
import { KeyManagement } from '../authority/key-management.js';
import { systemClock, type Clock } from '../core/clock.js';
import { fileMasterKeyProvider, type MasterKeyProvider } from '../crypto/master-key.js';
import { DownstreamManager, type DownstreamOptions } from '../gateway/downstream/downstream-manager.js';
import { KeyRing } from '../crypto/key-ring.js';
import { IdentityService } from '../identity/identity-service.js';
import type { Store } from '../store/sqlite-store.js';
import { openConfiguredStore } from './open-store.js';
import { AgentApi } from './agent-api.js';
import { loadConfig, type CharonConfig, type ConfigFile } from './config.js';
import { operatorHandlers } from './operator-handlers.js';
import { wireGateway, type GatewayStack } from './gateway-wiring.js';
import { deadAgentOf } from './dead-agent.js';
import { revokeGrantsOfDeadAgents } from './grant-cascade.js';
import { wireGrants } from './grant-wiring.js';
import { wireApprovals, type ApprovalStack } from './approval-wiring.js';
import { wireJit, type JitStack } from './jit-wiring.js';
import { wireOAuth } from './oauth-wiring.js';
import type { ClientMetadataFetchOptions } from '../oauth/client-metadata-fetch.js';
import type { KeyProtection } from '../crypto/master-key.js';
import type { OAuthService } from '../oauth/oauth-service.js';
import type { GrantService } from '../grants/grant-service.js';
import type { PolicyEngine } from '../policy/policy-engine.js';
import type { OwnerService } from '../reaper/owners.js';
import type { Reaper } from '../reaper/reaper.js';
import { wireReaper } from './reaper-wiring.js';
import { consoleOrigin } from './console-origin.js';
import { wireDelegation } from './delegation-wiring.js';
import type { DelegationReads } from '../delegation/delegation-reads.js';
import type { DelegationService } from '../delegation/delegation-service.js';

/** Reported to MCP clients as the gateway's version. */
export const CHARON_VERSION = '0.1.0';

export interface ControlPlaneOptions {
  readonly dataDir: string;
  readonly overrides?: ConfigFile;
  readonly masterKeyProvider?: MasterKeyProvider;
  readonly clock?: Clock;
  /** Addresses of running listeners, for status. */
  readonly endpoints?: { agentUrl?: string; bridgeUrl?: string };
  /** Timeouts and backoff for downstream MCP servers (tests shorten them). */
  readonly downstream?: Partial<DownstreamOptions>;
  /** 'worker' in long-running processes: SQLite checkpoints leave the commit path (see wal-checkpointer.ts). */
  readonly walCheckpoints?: 'inline' | 'worker';
  /** How OAuth client ID metadata documents are fetched (tests: a local CA, loopback allowed). */
  readonly clientMetadata?: ClientMetadataFetchOptions;
  /** The long-running instance on this data directory (`charon serve`, the desktop app): a second one is refused. */
  readonly exclusive?: string;
}

/** The composition root: the only place that wires store, crypto, audit and features together. */
export class ControlPlane {
  readonly config: CharonConfig;
  readonly store: Store;
  readonly clock: Clock;
  readonly audit: AuditLog;
  /** The console's live feed: this process's records and every other writer's (the CLI, other replicas), in chain order. */
  readonly auditFeed: AuditFeed;
  readonly keyRing: KeyRing;
  /** The authorization server's keys (RFC 9068 access tokens), published at /oauth/jwks and never in the SPIFFE bundle. */
  readonly accessKeyRing: KeyRing;
  readonly accessKeys: KeyManagement;
  readonly checkpointer: Checkpointer;
  readonly identities: IdentityService;
  readonly attestation: AttestationService;
  readonly authority: CredentialAuthority;
  readonly keys: KeyManagement;
  readonly agentApi: AgentApi;
  /** Grants, and the Cedar policy engine the gateway asks for every call. */
  readonly grants: GrantService;
  readonly policy: PolicyEngine;
  /** Idle, orphan, drift and anomaly rules: preview and run (src-main/reaper). */
  readonly reaper: Reaper;
  readonly owners: OwnerService;
  /** Passkeys, grant requests and their approvals. */
  readonly approvals: ApprovalStack;
  /** Just-in-time consent: agents whose refused calls are held for the owner's approval. */
  readonly jit: JitStack;
  /** The authorization server MCP clients connect through (consent = the approval inbox). */
  readonly oauth: OAuthService;
  /** Downstream MCP servers: config, on-demand connections, restarts. */
  readonly downstream: DownstreamManager;
  /** The MCP gateway and the request authentication it shares with the agent listener. */
  readonly gateway: GatewayStack;
  /** How the master key is held; set once it is loaded. */
  keyProtection: KeyProtection = { kind: 'file', note: null };
  /** RFC 8693 token exchange, chains and their provenance (src-main/delegation). */
  readonly delegation: DelegationService;
  /** Provenance of a token, the delegation graph, one hop: what the console reads. */
  readonly delegationReads: DelegationReads;
  readonly handlers: OperatorHandlers;
  /** Addresses of the running listeners (set by `serve`), for status. */
  readonly endpoints: { agentUrl?: string; bridgeUrl?: string };
  #appendsSinceCheckpoint = 0;
  /** Charon's own CA for the trust domain, and the TLS certificates it issues (team mode). */
  readonly tls: TlsAuthority;
  /** Which launched servers Charon set itself (app/server-approval.ts). */
  readonly serverApproval: ServerApproval;
  #lock: InstanceLock | null = null;
  /** Prod grants are evaluated only once their passkey approval verified (DESIGN invariant 12). */
  readonly #gate = new ProdApprovalGate();

  private constructor(config: CharonConfig, store: Store, clock: Clock, masterKey: Buffer, endpoints: { agentUrl?: string; bridgeUrl?: string }, downstream: Partial<DownstreamOptions> = {}, clientMetadata?: ClientMetadataFetchOptions) {
    this.config = config;
    this.store = store;
    this.clock = clock;
    this.endpoints = endpoints;
    const tx = store;
    // Records carry a MAC only the master key can make: a forged append is told apart (audit/record-mac.ts).
    const macKey = deriveAuditMacKey(masterKey);
    this.audit = new AuditLog({ repo: store.audit, tx, clock, macKey });
    this.auditFeed = new AuditFeed({ audit: this.audit, repo: store.audit, dataVersion: store.dataVersion });
    this.keyRing = new KeyRing({ keys: store.signingKeys, tx, clock, masterKey, dataVersion: store.dataVersion });
    this.accessKeyRing = new KeyRing({ keys: store.accessSigningKeys, tx, clock, masterKey, dataVersion: store.dataVersion });
    this.checkpointer = new Checkpointer({ repo: store.audit, tx, clock, keyRing: this.keyRing, issuer: config.issuer, anchor: new CheckpointAnchor(`${config.dataDir}/audit-anchor.json`), macKey });
    this.identities = new IdentityService({ identities: store.identities, credentials: store.credentials, tx, audit: this.audit, clock, trustDomain: config.trustDomain });
    this.attestation = new AttestationService({
      identities: store.identities,
      joinTokens: store.joinTokens,
      attestations: store.attestations,
      tx,
      audit: this.audit,
      clock,
      trustDomain: config.trustDomain,
      attestationTtlMs: config.attestationTtlSeconds * 1000,
      joinTokenTtlMs: config.joinTokenTtlSeconds * 1000,
      k8s: config.kubernetes ? new K8sPsatAttestor(config.kubernetes) : null,
      activate: (agentId, actor) => void this.identities.transitionInTransaction(agentId, 'ACTIVE', actor, 'attested'),
    });
    this.authority = new CredentialAuthority({
      identities: store.identities,
      credentials: store.credentials,
      signingKeys: store.signingKeys,
      tx,
      groupCommit: store.groupCommit,
      audit: this.audit,
      clock,
      keyRing: this.keyRing,
      accessKeyRing: this.accessKeyRing,
      accessSigningKeys: store.accessSigningKeys,
      trustDomain: config.trustDomain,
      issuer: config.issuer,
      defaultAudience: config.audience,
      ttlCapsMs: { dev: config.ttlCapsSeconds.dev * 1000, test: config.ttlCapsSeconds.test * 1000, prod: config.ttlCapsSeconds.prod * 1000 },
    });
    this.keys = new KeyManagement({
      keys: store.signingKeys,
      credentials: store.credentials,
      tx,
      audit: this.audit,
      clock,
      keyRing: this.keyRing,
      rotationIntervalMs: config.keyRotationDays * 24 * 3600 * 1000,
      refreshHintSeconds: config.bundleRefreshHintSeconds,
    });
    this.accessKeys = new KeyManagement({
      keys: store.accessSigningKeys,
      credentials: store.credentials,
      tx,
      audit: this.audit,
      clock,
      keyRing: this.accessKeyRing,
      rotationIntervalMs: config.keyRotationDays * 24 * 3600 * 1000,
      refreshHintSeconds: config.bundleRefreshHintSeconds,
    });
    this.serverApproval = serverApproval(masterKey);
    this.tls = new TlsAuthority({ meta: store.meta, masterKey, clock, audit: this.audit, trustDomain: config.trustDomain });
    this.downstream = new DownstreamManager({ repo: store.mcpServers, tx, audit: this.audit, clock, options: downstream, dataVersion: store.dataVersion, approve: this.serverApproval.approve, launchable: (record) => this.serverApproval.launchable(record) });
    ({ grants: this.grants, policy: this.policy } = wireGrants(store, this.audit, clock, this.#gate));
    revokeGrantsOfDeadAgents(config.trustDomain, this.audit, this.grants);
    this.approvals = wireApprovals({
      store,
      audit: this.audit,
      clock,
      grants: this.grants,
      // This process verified the assertion itself: enforce the new grant at once (a JIT-held call is re-decided next).
      created: (grant) => {
        this.#gate.trust(grant);
        this.policy.refresh(grant.agentId);
      },
      autoApprove: config.autoApprove,
      origins: () => [...(this.endpoints.bridgeUrl ? [new URL(this.endpoints.bridgeUrl).origin] : []), ...config.passkeyOrigins],
      quorum: config.quorum,
      inviteUrl: (code) => (config.console ? `${consoleOrigin(config.console)}/#invite=${code}` : null),
    });
    this.#gate.connect(
      (grantId) => this.approvals.approvals.passkeyApproved(grantId),
      (agentId) => this.policy.refresh(agentId),
    );
    this.jit = wireJit({ store, audit: this.audit, clock, grantRequests: this.approvals.requests, identities: store.identities, holdSeconds: config.jitHoldSeconds });
    this.oauth = wireOAuth({ config, store, audit: this.audit, clock, identities: this.identities, attestation: this.attestation, authority: this.authority, grantRequests: this.approvals.requests, downstream: this.downstream, ...(clientMetadata ? { clientMetadata } : {}) });
    this.gateway = wireGateway({ config, store, audit: this.audit, clock, authority: this.authority, policy: this.policy, downstream: this.downstream, masterKey, version: CHARON_VERSION, jit: this.jit.port, refusedUse: (token, error) => this.delegation.refusedUse(token, error), grantChanges: (listener) => void this.grants.onChange(listener) });
    ({ service: this.delegation, reads: this.delegationReads } = wireDelegation({ config, store, audit: this.audit, clock, authority: this.authority, grants: this.grants, gateway: this.gateway }));
    ({ reaper: this.reaper, owners: this.owners } = wireReaper({ config, store, audit: this.audit, clock, identities: this.identities, grants: this.grants, cascade: (agentId) => this.delegation.descendantAgents(agentId) }));
    // A revoked agent loses its open MCP sessions (and SSE streams) at once; every request is
    // re-authenticated anyway, this frees what they hold. IDLE is reversible: sessions stay.
    this.audit.onAppend((record) => {
      const dead = deadAgentOf(config.trustDomain, record);
      if (dead) void this.gateway.gateway.closeSessionsOf(dead.agentId).catch(() => undefined);
    });
    this.agentApi = new AgentApi(this);
    this.handlers = operatorHandlers(this);
    // Sign the head every N records, so a deleted or rewritten tail is caught soon after.
    this.audit.onAppend(() => {
      if (++this.#appendsSinceCheckpoint >= config.checkpointEvery) {
        this.#appendsSinceCheckpoint = 0;
        void this.checkpointer.checkpoint().catch(() => undefined);
      }
    });
  }

  static async open(options: ControlPlaneOptions): Promise<ControlPlane> {
    const config = loadConfig(options.dataDir, options.overrides);
    const lock = options.exclusive ? acquireInstanceLock(config.dataDir, options.exclusive) : null;
    let store: Store;
    try {
      store = openConfiguredStore(config, options.walCheckpoints ?? 'inline');
    } catch (error) {
      lock?.release();
      throw error;
    }
    try {
      const provider = options.masterKeyProvider ?? fileMasterKeyProvider({ passphrase: process.env.CHARON_PASSPHRASE });
      const masterKey = await provider.load(config.dataDir);
      const plane = new ControlPlane(config, store, options.clock ?? systemClock, masterKey, options.endpoints ?? {}, options.downstream, options.clientMetadata);
      plane.#lock = lock;
      // Said in Settings: how the master key is held (a file, unless the OS seals it).
      plane.keyProtection = provider.protection?.() ?? { kind: 'file', note: null };
      await plane.keyRing.init();
      await plane.accessKeyRing.init();
      await plane.#gate.prime(store.grants.list({ state: 'ACTIVE' }));
      // Upgrading from a version without server approvals: before any passkey exists the operator
      // channel is the gate, so the servers already configured are approved as they are. Once a
      // passkey is enrolled, an unapproved one must be added again with it.
      if (!plane.approvals.passkeys.hasAny()) {
        for (const record of store.mcpServers.list()) if (!plane.serverApproval.launchable(record)) store.mcpServers.upsert(record.name, record.config, record.updatedAt, plane.serverApproval.approve(record.name, record.config));
      }
      return plane;
    } catch (error) {
      store.close();
      lock?.release();
      throw error;
    }
  }

  /** Signs a final checkpoint so the tail written by this process is anchored, then closes. */
  async close(): Promise<void> {
    try {
      // Sessions, then children: no downstream process may outlive the control plane.
      await this.gateway.gateway.close();
      await this.downstream.close();
      await this.checkpointer.checkpoint();
    } finally {
      // The checkpoint worker ends before the process may: never a thread cut off inside SQLite.
      await this.store.walCheckpointer?.close();
      this.store.close();
      this.#lock?.release();
    }
  }
}
