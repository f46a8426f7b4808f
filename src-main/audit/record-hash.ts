import { createHash } from 'node:crypto';
import { canonicalJson } from '../core/canonical-json.js';
import type { AuditRecord } from '../core/records.js';

export const GENESIS_HASH = '0'.repeat(64);

/** SHA-256 over the canonical JSON of every field but the hash itself. */
export function hashAuditRecord(record: Omit<AuditRecord, 'hash'>): string {
  const body = canonicalJson({
    seq: record.seq,
    time: record.time,
    actor: record.actor,
    kind: record.kind,
    subject: record.subject,
    decision: record.decision,
    details: record.details,
    prevHash: record.prevHash,
  });
  return createHash('sha256').update(body).digest('hex');
}
