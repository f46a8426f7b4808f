// Delegation, wired: the service over the store and the credential authority, its chain check
// installed in the authority's verify path (so the gateway, the agent listener and introspection
// all refuse a token whose chain no longer holds), and the cascade when an agent leaves ACTIVE for good.
import type { AuditLog } from '../audit/audit-log.js';
import type { CredentialAuthority } from '../authority/credential-authority.js';
import type { Clock } from '../core/clock.js';
import { deadAgentOf } from './dead-agent.js';
import { DelegationReads } from '../delegation/delegation-reads.js';
import { DelegationService } from '../delegation/delegation-service.js';
import type { GrantService } from '../grants/grant-service.js';
import type { Store } from '../store/sqlite-store.js';
import type { CharonConfig } from './config.js';
import type { GatewayStack } from './gateway-wiring.js';

export function wireDelegation(d: { config: CharonConfig; store: Store; audit: AuditLog; clock: Clock; authority: CredentialAuthority; grants: GrantService; gateway: GatewayStack }): { service: DelegationService; reads: DelegationReads } {
  const { config, store } = d;
  const service = new DelegationService({
    delegations: store.delegations,
    identities: store.identities,
    credentials: store.credentials,
    owners: store.owners,
    tx: store,
    audit: d.audit,
    clock: d.clock,
    authority: d.authority,
    activeGrants: (agentId, now) => d.grants.activeGrantsFor(agentId, now),
    verifyProof: d.gateway.verifyDpopProof,
    trustDomain: config.trustDomain,
    defaultAudience: config.audience,
    ttlCapsMs: { dev: config.ttlCapsSeconds.dev * 1000, test: config.ttlCapsSeconds.test * 1000, prod: config.ttlCapsSeconds.prod * 1000 },
    maxDepth: config.delegation.maxDepth,
    minAcr: config.delegation.minAcr,
  });
  d.authority.useChainCheck(service.checkChain);
  // An agent revoked, decommissioned or killed takes the authority it delegated with it, recorded
  // with the reason. (Its descendants are refused from the very next call anyway: the chain check
  // reads every actor's state. IDLE is reversible, so it only refuses and revokes nothing.)
  d.audit.onAppend((record) => {
    const dead = deadAgentOf(config.trustDomain, record);
    if (!dead) return;
    try {
      service.cascadeFromAgent(dead.agentId, record.actor, `agent ${dead.agentId} ${dead.how}`);
    } catch {
      // Store busy: the chain check still refuses every descendant; the next revocation or the reaper records it.
    }
  });
  const reads = new DelegationReads({ delegations: store.delegations, identities: store.identities, owners: store.owners, authority: d.authority, clock: d.clock, trustDomain: config.trustDomain });
  return { service, reads };
}
