// An agent killed, revoked or decommissioned keeps no ACTIVE grant: its grants are revoked, each
// recorded with the reason, right after the identity change commits. (The gateway refuses the
// agent from that commit on anyway: every call re-reads its state. This keeps the record honest,
// so no list shows a dead agent's grant as live.) IDLE is reversible and revokes nothing.
import type { AuditLog } from '../audit/audit-log.js';
import { deadAgentOf } from './dead-agent.js';
import type { GrantService } from '../grants/grant-service.js';

export function revokeGrantsOfDeadAgents(trustDomain: string, audit: AuditLog, grants: Pick<GrantService, 'list' | 'revoke'>): void {
  audit.onAppend((record) => {
    const dead = deadAgentOf(trustDomain, record);
    if (!dead) return;
    const why = `agent ${dead.agentId} ${dead.how}`;
    for (const grant of grants.list({ agentId: dead.agentId, state: 'ACTIVE' })) {
      try {
        grants.revoke(grant.id, record.actor, why);
      } catch {
        // Store busy: the agent is refused at the gateway regardless; the reaper's next run finds the grant.
      }
    }
  });
}
