// The push side of the operator channel, shared by `charon serve` (SSE on the bridge) and the
// desktop (IPC to the console window): every audit record, as the console's DTO.
import type { AuditEventDto } from '../../src-shared/dto.js';
import type { OperatorEventSink } from '../../src-shared/operator-api.js';
import type { AuditRecord } from '../core/records.js';

interface AuditSource {
  onAppend(listener: (record: AuditRecord) => void): () => void;
}

/** Subscribes `sink` to the control plane's events; returns the unsubscribe function. */
export function subscribeOperatorEvents(audit: AuditSource, sink: OperatorEventSink): () => void {
  return audit.onAppend((record) => sink({ event: 'audit.appended', data: auditEventDto(record) }));
}

// Copied field by field: the record may carry more than the contract promises.
function auditEventDto(record: AuditRecord): AuditEventDto {
  const { seq, time, actor, kind, subject, decision, details, prevHash, hash } = record;
  return { seq, time, actor, kind, subject, decision, details, prevHash, hash };
}
