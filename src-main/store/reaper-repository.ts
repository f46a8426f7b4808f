// The reaper's reads: the audit log's window in one pass (reaper/window-facts.ts counts it), the
// inventory's grants and cap usage, and the cleanup of rows that expired long ago. Audit records
// are never deleted.
import type { ReaperFactsRepository, WindowRecord } from '../core/reaper-ports.js';
import type { Db } from './database.js';
import { grantFromRow, type GrantRow } from './grant-repository.js';

export function sqliteReaperRepository(db: Db): ReaperFactsRepository {
  // The window from index audit_kind_time alone (it covers every column read here), then the
  // constrained values of allowed calls to the listed tools, cut out of their details by SQLite
  // (`->`): no other record's details are read.
  const window = db
    .prepare<[number, number], WindowRecord>(
      "SELECT kind, time, decision, actor, subject FROM audit_events WHERE kind IN ('gateway.decision', 'credential.issue') AND time >= ? AND time <= ?",
    )
    .raw();
  const constrained = db
    .prepare<[number, number, string], [string, string, string | null]>(
      `SELECT actor, subject, details -> '$.constrained' FROM audit_events
      WHERE kind = 'gateway.decision' AND time >= ? AND time <= ? AND decision = 'allow' AND subject IN (SELECT value FROM json_each(?))`,
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
    scanWindow: (since, until, visit) => {
      for (const record of window.iterate(since, until)) visit(record);
    },
    constrainedValues: (since, until, tools, visit) => {
      if (tools.length === 0) return;
      for (const [actor, subject, json] of constrained.iterate(since, until, JSON.stringify(tools))) if (json !== null) visit(actor, subject, json);
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

