// An agent killed, revoked or decommissioned keeps no ACTIVE grant: its grants are revoked, each
// recorded with the reason, right after the identity change commits. (The gateway refuses the
// agent from that commit on anyway: every call re-reads its state. This keeps the record honest,
// so no list shows a dead agent's grant as live.) IDLE is reversible and revokes nothing.
import type { AuditLog } from '../audit/audit-log.js';
import { agentIdOf } from '../core/spiffe-id.js';
import type { GrantService } from '../grants/grant-service.js';

export function revokeGrantsOfDeadAgents(trustDomain: string, audit: AuditLog, grants: Pick<GrantService, 'list' | 'revoke'>): void {
  audit.onAppend((record) => {
    const to = (record.details as { to?: unknown }).to;
    if (record.decision !== 'allow' || !(record.kind === 'identity.kill' || (record.kind === 'identity.transition' && (to === 'REVOKED' || to === 'DECOMMISSIONED')))) return;
    const agentId = agentIdOf(trustDomain, record.subject);
    if (!agentId) return;
    const why = `agent ${agentId} ${record.kind === 'identity.kill' ? 'killed' : String(to)}`;
    for (const grant of grants.list({ agentId, state: 'ACTIVE' })) {
      try {
        grants.revoke(grant.id, record.actor, why);
      } catch {
        // Store busy: the agent is refused at the gateway regardless; the reaper's next run finds the grant.
      }
    }
  });
}
