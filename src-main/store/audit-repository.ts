import type { AuditDecision } from '../../src-shared/domain.js';
import type { AuditRepository } from '../core/ports.js';
import type { AuditCheckpointRecord, AuditRecord } from '../core/records.js';
import type { Db } from './database.js';
import { whereClause } from './where-clause.js';

export interface AuditRow {
  seq: number;
  time: number;
  actor: string;
  kind: string;
  subject: string;
  decision: AuditDecision;
  details: string;
  prev_hash: string;
  hash: string;
  mac?: string | null;
}

export const auditFromRow = (r: AuditRow): AuditRecord => ({
  seq: r.seq,
  time: r.time,
  actor: r.actor,
  kind: r.kind,
  subject: r.subject,
  decision: r.decision,
  details: JSON.parse(r.details) as Record<string, unknown>,
  prevHash: r.prev_hash,
  hash: r.hash,
});

export function sqliteAuditRepository(db: Db): AuditRepository {
  const head = db.prepare<[], { seq: number; hash: string }>('SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1');
  const insert = db.prepare(`INSERT INTO audit_events (seq, time, actor, kind, subject, decision, details, prev_hash, hash, mac)
    VALUES (@seq, @time, @actor, @kind, @subject, @decision, @details, @prevHash, @hash, @mac)`);
  const range = db.prepare<[number, number], AuditRow>('SELECT * FROM audit_events WHERE seq > ? ORDER BY seq LIMIT ?');
  const macs = db.prepare<[number, number], { seq: number; hash: string; mac: string | null }>('SELECT seq, hash, mac FROM audit_events WHERE seq > ? ORDER BY seq LIMIT ?');
  const count = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM audit_events');
  const insertCheckpoint = db.prepare('INSERT OR IGNORE INTO audit_checkpoints (seq, hash, time, kid, jws) VALUES (@seq, @hash, @time, @kid, @jws)');
  const checkpoints = db.prepare<[], AuditCheckpointRecord>('SELECT seq, hash, time, kid, jws FROM audit_checkpoints ORDER BY seq');
  const latestCheckpoint = db.prepare<[], AuditCheckpointRecord>('SELECT seq, hash, time, kid, jws FROM audit_checkpoints ORDER BY seq DESC LIMIT 1');

  return {
    head() {
      return head.get() ?? null;
    },
    insert(record, mac) {
      insert.run({ ...record, details: JSON.stringify(record.details), mac });
    },
    range(afterSeq, limit) {
      return range.all(afterSeq, limit).map(auditFromRow);
    },
    rangeWithMac(afterSeq, limit) {
      return range.all(afterSeq, limit).map((row) => ({ ...auditFromRow(row), mac: row.mac ?? null }));
    },
    macsFrom(afterSeq, limit) {
      return macs.all(afterSeq, limit);
    },
    list(filter) {
      const where = whereClause([
        ['seq > ?', filter.afterSeq],
        ['seq < ?', filter.beforeSeq],
        ['kind = ?', filter.kind],
        ['subject = ?', filter.subject],
        ['actor = ?', filter.actor],
      ]);
      // Newest first unless paging forward from a known sequence number.
      const order = filter.afterSeq !== undefined ? 'ASC' : 'DESC';
      return db.prepare<(string | number)[], AuditRow>(`SELECT * FROM audit_events ${where.sql} ORDER BY seq ${order} LIMIT ?`).all(...where.params, filter.limit).map(auditFromRow);
    },
    count() {
      return count.get()?.n ?? 0;
    },
    insertCheckpoint(checkpoint) {
      insertCheckpoint.run(checkpoint);
    },
    checkpoints() {
      return checkpoints.all();
    },
    latestCheckpoint() {
      return latestCheckpoint.get() ?? null;
    },
  };
}
