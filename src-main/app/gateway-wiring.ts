import { createHmac } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Environment } from '../../src-shared/domain.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { CredentialAuthority } from '../authority/credential-authority.js';
import type { Clock } from '../core/clock.js';
import { checkAndRememberDpop, checkDpopSpendLater } from '../crypto/dpop.js';
import { createDpopNonceSource, type DpopNonceSource } from '../crypto/dpop-nonce.js';
import type { AgentContext } from '../gateway/agent-context.js';
import { authenticate } from '../gateway/authenticate.js';
import type { DownstreamManager } from '../gateway/downstream/downstream-manager.js';
import { EnvelopeEnforcer } from '../gateway/envelope.js';
import { PolicyGatewayBackend } from '../gateway/gateway-backend.js';
import { withJitConsent, type JitConsentPort } from '../gateway/jit-consent.js';
import { McpGateway } from '../gateway/mcp-gateway.js';
import type { PolicyEngine } from '../policy/policy-engine.js';
import type { Store } from '../store/sqlite-store.js';
import type { CharonConfig } from './config.js';
import { resourceAudience } from './token-audience.js';

export interface GatewayStack {
  readonly gateway: McpGateway;
  readonly envelope: EnvelopeEnforcer;
  readonly nonces: DpopNonceSource;
  /** The gateway's per-request check (without the DPoP-required rule), for the agent listener's own endpoints. */
  readonly authenticateRequest: (req: IncomingMessage, requestUrl: string) => Promise<AgentContext>;
  /** Verifies a DPoP proof made for a token (its key, `ath`) and spends its jti: the token endpoint's subject token. */
  readonly verifyDpopProof: (proof: string, expect: { method: string; url: string; accessToken: string; jkt: string }) => Promise<void>;
  /** Verifies a DPoP proof sent without a token (attestation): the key the new credential is bound to. */
  readonly proofKeyFor: (req: IncomingMessage, requestUrl: string) => Promise<string | null>;
}

export interface GatewayWiringDeps {
  readonly config: CharonConfig;
  readonly store: Store;
  readonly audit: AuditLog;
  readonly clock: Clock;
  readonly authority: CredentialAuthority;
  readonly policy: PolicyEngine;
  readonly downstream: DownstreamManager;
  readonly masterKey: Uint8Array;
  readonly version: string;
  /** Just-in-time consent on refused tool calls (app/jit-wiring.ts). */
  readonly jit?: JitConsentPort;
  /** A refused credential: a delegated one is audited with the reason (a broken chain, an inactive actor), then rethrown. */
  readonly refusedUse: (token: string, error: unknown) => never;
  /** Subscribes to grant changes (the grant service's onChange), so open sessions learn of them. */
  readonly grantChanges?: (listener: (agentId: string) => void) => void;
}

/** Builds the gateway: per-request authentication (Bearer/DPoP), the policy backend, the envelope. */
export function wireGateway(d: GatewayWiringDeps): GatewayStack {
  // Derived from the master key: every replica of a team server (they share it) hands out and
  // accepts the same DPoP nonces, so a nonce from one is good at the other.
  const nonces = createDpopNonceSource(d.clock, { secret: createHmac('sha256', d.masterKey).update('charon/dpop-nonce-secret').digest() });
  const nonce = d.config.dpopNonce ? nonces : null;
  // Replicas of a team server share their rate buckets; one process keeps them in memory.
  const envelope = new EnvelopeEnforcer({ usage: d.store.envelopeUsage, ...(d.store.sharedRateLimits ? { rateLimits: d.store.sharedRateLimits } : {}) });
  // "Last seen" to the second: one write per agent per second, not a commit of its own on every request.
  const lastTouched = new Map<string, number>();
  const touch = (agentId: string, now: number): void => {
    if (now - (lastTouched.get(agentId) ?? -Infinity) < 1000) return;
    d.store.identities.touch(agentId, now);
    lastTouched.set(agentId, now);
  };
  const authDeps = {
    dpopRequired: new Set<Environment>(d.config.dpopRequired),
    verifyCredential: async (token: string, requestUrl: string) => {
      // An OAuth access token only at the resource it was issued for (RFC 8707); a token for /mcp/everything fails at /mcp/files.
      const v = await d.authority.verify(token, resourceAudience(token, requestUrl), 'any').catch((error: unknown) => d.refusedUse(token, error));
      touch(v.credential.agentId, d.clock.now());
      const root = v.chain?.hops[0];
      const delegation = v.chain && root ? { hopId: v.chain.hopId, subject: v.spiffeId, actors: v.actors, rootAgentId: root.agentId, narrowing: v.chain.hops.filter((h) => h.narrowed).map((h) => h.id), acr: v.acr } : null;
      const agentSpiffeId = v.actors[v.actors.length - 1] ?? v.spiffeId;
      return { jti: v.jti, spiffeId: v.spiffeId, agentSpiffeId, scope: v.scope, env: v.env, dpopJkt: v.dpopJkt, expiresAt: v.expiresAt, agentId: v.credential.agentId, delegation };
    },
    verifyDpopProof: async (proof: string, expect: { method: string; url: string; accessToken: string; jkt: string }, spendLater = false): Promise<(() => void) | undefined> => {
      const now = d.clock.now();
      // A decided call spends its proof in the commit of its decision record: one commit per call.
      if (spendLater) return (await checkDpopSpendLater(proof, { ...expect, now, nonce }, { replay: d.store.dpopReplay })).spend;
      // Other requests' proofs commit with the other writes of the same tick.
      await checkAndRememberDpop(proof, { ...expect, now, nonce }, { replay: d.store.dpopReplay, commit: d.store.groupCommit });
      return undefined;
    },
  };
  // The agent listener's own endpoints (renewal, introspection) accept an unbound token in every
  // environment, so an agent can always renew; the gateway enforces the DPoP requirement.
  const listenerAuthDeps = { ...authDeps, dpopRequired: new Set<Environment>() };
  const authenticateRequest = (req: IncomingMessage, requestUrl: string): Promise<AgentContext> => authenticate(req, requestUrl, listenerAuthDeps);
  const policyBackend = new PolicyGatewayBackend({
    policy: d.policy,
    downstream: d.downstream,
    envelope,
    audit: d.audit,
    groupCommit: d.store.groupCommit,
    clock: d.clock,
    digestKey: createHmac('sha256', d.masterKey).update('charon/audit-argument-digest').digest(),
  });
  const backend = d.jit ? withJitConsent(policyBackend, d.jit) : policyBackend;
  const gateway = new McpGateway({
    backend,
    authenticate: (req, requestUrl, options) => authenticate(req, requestUrl, authDeps, options),
    spendProof: (ctx) => (ctx.spendProof ? d.store.groupCommit(ctx.spendProof) : Promise.resolve()),
    knownServer: (name) => d.downstream.has(name),
    resources: { subscribe: (server, uri) => d.downstream.subscribeResource(server, uri), unsubscribe: (server, uri) => d.downstream.unsubscribeResource(server, uri) },
    clock: d.clock,
    dpopNonce: () => nonces.current(),
    version: d.version,
    stateKey: createHmac('sha256', d.masterKey).update('charon/mcp-request-state').digest(),
  });
  // What downstreams initiate goes to the agent sessions it concerns.
  d.downstream.onAnyRequest((server, request, extra) => gateway.downstreamRequest(server, request, extra));
  d.downstream.onNotification((server, notification) => gateway.downstreamNotification(server, notification));
  d.grantChanges?.((agentId) => gateway.grantsChanged(agentId));
  const proofKeyFor = async (req: IncomingMessage, requestUrl: string): Promise<string | null> => {
    const proof = req.headers.dpop;
    if (proof === undefined) return null;
    const verified = await checkAndRememberDpop(String(proof), { method: req.method ?? 'POST', url: requestUrl, now: d.clock.now(), nonce }, { replay: d.store.dpopReplay });
    return verified.jkt;
  };
  return { gateway, envelope, nonces, authenticateRequest, proofKeyFor, verifyDpopProof: async (proof, expect) => void (await authDeps.verifyDpopProof(proof, expect)) };
}
