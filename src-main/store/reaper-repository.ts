// The reaper's reads: the audit log's window in one pass (reaper/window-facts.ts counts it), the
// inventory's grants and cap usage, and the cleanup of rows that expired long ago. Audit records
// are never deleted.
import type { ReaperFactsRepository, WindowRecord } from '../core/reaper-ports.js';
import type { Db } from './database.js';
import { grantFromRow, type GrantRow } from './grant-repository.js';

export function sqliteReaperRepository(db: Db): ReaperFactsRepository {
  // The window's first record by seq (an index-only walk of audit_kind_time), then the table
  // itself from there in seq order: a sequential read with no lookup per row. Times need not grow
  // with seq (a clock set back), so each row's time is checked too.
  const firstSeq = db.prepare<[number, number], number | null>(
    "SELECT min(seq) FROM audit_events WHERE kind IN ('gateway.decision', 'credential.issue') AND time >= ? AND time <= ?",
  ).pluck();
  // Of the details, only the constrained values of allowed calls to the listed tools, as JSON
  // (`->`), cut out by SQLite: the other records' details are never read into JavaScript.
  const fromSeq = db
    .prepare<[{ first: number; since: number; until: number; tools: string }], WindowRecord>(
      `SELECT kind, time, decision, actor, subject,
        CASE WHEN decision = 'allow' AND instr(@tools, char(31) || subject || char(31)) > 0 THEN details -> '$.constrained' END
      FROM audit_events WHERE seq >= @first AND kind IN ('gateway.decision', 'credential.issue') AND time >= @since AND time <= @until`,
    )
    .raw();
  const flagged = db.prepare<[number], string | null>("SELECT json_extract(details, '$.actionId') FROM audit_events WHERE kind = 'reaper.anomaly' AND time >= ?").pluck();
  const capPeaks = db
    .prepare<[string, number], { key: string; peak: bigint }>('SELECT key, max(total_units) AS peak FROM envelope_usage WHERE key IN (SELECT value FROM json_each(?)) AND period_start >= ? GROUP BY key')
    .safeIntegers(true);
  const activeGrants = db.prepare<[], GrantRow>("SELECT * FROM grants WHERE state = 'ACTIVE' ORDER BY agent_id, id");
  const deadAttestations = db.prepare<[number], number>('SELECT count(*) FROM attestations WHERE expires_at <= ?').pluck();
  const deadJoinTokens = db.prepare<[number], number>('SELECT count(*) FROM join_tokens WHERE expires_at <= ?').pluck();
  const deadCredentials = db.prepare<[number], number>('SELECT count(*) FROM credentials WHERE expires_at <= ?').pluck();
  const deleteAttestations = db.prepare('DELETE FROM attestations WHERE expires_at <= ?');
  const deleteJoinTokens = db.prepare('DELETE FROM join_tokens WHERE expires_at <= ?');
  const deleteCredentials = db.prepare('DELETE FROM credentials WHERE expires_at <= ?');
  const expireGrant = db.prepare("UPDATE grants SET state = 'EXPIRED', updated_at = ? WHERE id = ? AND state = 'ACTIVE'");

  return {
    scanWindow: (since, until, constrainedOf, visit) => {
      const first = firstSeq.get(since, until);
      if (first === null || first === undefined) return;
      const tools = `\x1f${constrainedOf.join('\x1f')}\x1f`;
      for (const record of fromSeq.iterate({ first, since, until, tools })) visit(record);
    },
    flaggedSince: (since) => new Set(flagged.all(since).filter((id): id is string => typeof id === 'string')),
    capPeaks: (keys, since) => new Map(keys.length === 0 ? [] : capPeaks.all(JSON.stringify(keys), since).map((r) => [r.key, r.peak])),
    activeGrants: () => activeGrants.all().map(grantFromRow),
    countDead: (cutoff) => ({ attestations: deadAttestations.get(cutoff) ?? 0, joinTokens: deadJoinTokens.get(cutoff) ?? 0, credentials: deadCredentials.get(cutoff) ?? 0 }),
    deleteDeadAttestations: (cutoff) => deleteAttestations.run(cutoff).changes,
    deleteDeadJoinTokens: (cutoff) => deleteJoinTokens.run(cutoff).changes,
    deleteDeadCredentials: (cutoff) => deleteCredentials.run(cutoff).changes,
    expireGrants: (ids, at) => ids.reduce((n, id) => n + expireGrant.run(at, id).changes, 0),
  };
}

