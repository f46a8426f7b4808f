// Which audit records end an agent for good (killed, revoked, decommissioned: not IDLE, which is
// reversible), read by everything that must follow an agent's end: its sessions, its
// delegations, its grants.
import type { AuditRecord } from '../core/records.js';
import { agentIdOf } from '../core/spiffe-id.js';

/** The agent a committed record ends, and how, in words; null for any other record. */
export function deadAgentOf(trustDomain: string, record: AuditRecord): { agentId: string; how: string } | null {
  if (record.decision !== 'allow') return null;
  const to = (record.details as { to?: unknown }).to;
  const ends = record.kind === 'identity.kill' || (record.kind === 'identity.transition' && (to === 'REVOKED' || to === 'DECOMMISSIONED'));
  if (!ends) return null;
  const agentId = agentIdOf(trustDomain, record.subject);
  return agentId ? { agentId, how: record.kind === 'identity.kill' ? 'killed' : String(to) } : null;
}
