import type { AuditEventDto } from './dto.js';

/**
 * What a new grant request's audit record announces (tray, notification), or null for any other
 * record. The requesting agent is in the details (the subject is the request id).
 */
export function approvalNotice(record: AuditEventDto): { readonly agentId: string; readonly body: string } | null {
  if (record.kind !== 'grant.request' || record.decision !== 'allow') return null;
  const agentId = typeof record.details.agentId === 'string' ? record.details.agentId : record.actor;
  const risk = typeof record.details.risk === 'string' ? ` (risk: ${record.details.risk})` : '';
  return { agentId, body: `${agentId} asks for a grant${risk}` };
}
