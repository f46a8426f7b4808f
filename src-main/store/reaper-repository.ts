// The reaper's reads: aggregates over the audit log by kind and time window (index
// audit_kind_time covers every column they touch, so SQLite reads only the window's index
// entries), and the cleanup of rows that expired long ago. Audit records are never deleted.
import type { DeniedRow, HourRow, IssuanceRow, ReaperFactsRepository, ToolUseRow } from '../core/reaper-ports.js';
import type { Db } from './database.js';
import { grantFromRow, type GrantRow } from './grant-repository.js';

const HOUR_MS = 3_600_000;

export function sqliteReaperRepository(db: Db): ReaperFactsRepository {
  const toolUse = db.prepare<[number, number], ToolUseRow>(`SELECT actor, subject, decision, count(*) AS calls, min(time) AS firstAt, max(time) AS lastAt
    FROM audit_events WHERE kind = 'gateway.decision' AND time >= ? AND time <= ? GROUP BY actor, subject, decision`);
  const hours = db.prepare<[number, number, number, number], HourRow>(`SELECT actor, (time / ${HOUR_MS}) % 24 AS hour,
    sum(time < ?) AS baseline, sum(time >= ?) AS recent
    FROM audit_events WHERE kind = 'gateway.decision' AND time >= ? AND time <= ? GROUP BY actor, hour`);
  const issuance = db.prepare<[number, number, number, number], IssuanceRow>(`SELECT subject, sum(time < ?) AS baseline, sum(time >= ?) AS recent
    FROM audit_events WHERE kind = 'credential.issue' AND time >= ? AND time <= ? AND decision = 'allow' GROUP BY subject`);
  const denied = db.prepare<[number, number], DeniedRow>(`SELECT actor, count(*) AS denied, min(time) AS firstAt, max(time) AS lastAt
    FROM audit_events WHERE kind = 'gateway.decision' AND time >= ? AND time <= ? AND decision = 'deny' GROUP BY actor`);
  const flagged = db.prepare<[number], string | null>("SELECT json_extract(details, '$.actionId') FROM audit_events WHERE kind = 'reaper.anomaly' AND time >= ?").pluck();
  const activeGrants = db.prepare<[], GrantRow>("SELECT * FROM grants WHERE state = 'ACTIVE' ORDER BY agent_id, id");
  const deadAttestations = db.prepare<[number], number>('SELECT count(*) FROM attestations WHERE expires_at <= ?').pluck();
  const deadJoinTokens = db.prepare<[number], number>('SELECT count(*) FROM join_tokens WHERE expires_at <= ?').pluck();
  const deadCredentials = db.prepare<[number], number>('SELECT count(*) FROM credentials WHERE expires_at <= ?').pluck();
  const deleteAttestations = db.prepare('DELETE FROM attestations WHERE expires_at <= ?');
  const deleteJoinTokens = db.prepare('DELETE FROM join_tokens WHERE expires_at <= ?');
  const deleteCredentials = db.prepare('DELETE FROM credentials WHERE expires_at <= ?');
  const expireGrant = db.prepare("UPDATE grants SET state = 'EXPIRED', updated_at = ? WHERE id = ? AND state = 'ACTIVE'");

  return {
    toolUse: (since, until) => toolUse.all(since, until),
    hours: (baselineStart, recentStart, until) => hours.all(recentStart, recentStart, baselineStart, until),
    issuance: (baselineStart, recentStart, until) => issuance.all(recentStart, recentStart, baselineStart, until),
    denied: (since, until) => denied.all(since, until),
    flaggedSince: (since) => new Set(flagged.all(since).filter((id): id is string => typeof id === 'string')),
    activeGrants: () => activeGrants.all().map(grantFromRow),
    countDead: (cutoff) => ({ attestations: deadAttestations.get(cutoff) ?? 0, joinTokens: deadJoinTokens.get(cutoff) ?? 0, credentials: deadCredentials.get(cutoff) ?? 0 }),
    deleteDeadAttestations: (cutoff) => deleteAttestations.run(cutoff).changes,
    deleteDeadJoinTokens: (cutoff) => deleteJoinTokens.run(cutoff).changes,
    deleteDeadCredentials: (cutoff) => deleteCredentials.run(cutoff).changes,
    expireGrants: (ids, at) => ids.reduce((n, id) => n + expireGrant.run(at, id).changes, 0),
  };
}
