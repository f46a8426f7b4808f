// The reaper, wired: its changes go through the identity service (transitions, audited, REVOKED
// revokes credentials) and the grant service (revoke, narrow: refused if wider), all joining
// the reaper's one transaction. `cascade` is delegation's descendant lookup (reaper/facts.ts,
// OrphanCascade): an orphan takes the agents it delegated to, directly or further down, with it.
import type { AuditLog } from '../audit/audit-log.js';
import type { Clock } from '../core/clock.js';
import type { GrantService } from '../grants/grant-service.js';
import type { IdentityService } from '../identity/identity-service.js';
import type { OrphanCascade } from '../reaper/facts.js';
import { OwnerService } from '../reaper/owners.js';
import { REAPER_ACTOR, Reaper } from '../reaper/reaper.js';
import { thresholdsOf } from '../reaper/thresholds.js';
import type { Store } from '../store/sqlite-store.js';
import type { CharonConfig } from './config.js';

export function wireReaper(d: { config: CharonConfig; store: Store; audit: AuditLog; clock: Clock; identities: IdentityService; grants: GrantService; cascade: OrphanCascade }): { reaper: Reaper; owners: OwnerService } {
  const thresholds = thresholdsOf(d.config.reaper);
  const reaper = new Reaper({
    facts: d.store.reaperFacts,
    owners: d.store.owners,
    identities: d.store.identities,
    tx: d.store,
    audit: d.audit,
    thresholds: () => thresholds,
    cascade: d.cascade,
    effects: {
      transition: (agentId, to, reason) => void d.identities.transition(agentId, to, REAPER_ACTOR, reason),
      revokeGrant: (grantId, reason) => void d.grants.revoke(grantId, REAPER_ACTOR, reason),
      narrowGrant: (grantId, spec) => void d.grants.narrow(grantId, spec, REAPER_ACTOR),
    },
  });
  return { reaper, owners: new OwnerService({ owners: d.store.owners, tx: d.store, audit: d.audit, clock: d.clock }) };
}
