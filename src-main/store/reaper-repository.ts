// The reaper's reads: aggregates over the audit log by kind and time window (index
// audit_kind_time covers every column they touch, so SQLite reads only the window's index
// entries), and the cleanup of rows that expired long ago. Audit records are never deleted.
import type { ArgPeakRow, ArgValueRow, DeniedRow, HourRow, IssuanceRow, RatePeakRow, ReaperFactsRepository, ToolUseRow } from '../core/reaper-ports.js';
import type { Db } from './database.js';
import { grantFromRow, type GrantRow } from './grant-repository.js';

const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;

// Allowed decisions of the listed tools (a JSON array parameter), their constrained arguments unfolded.
const CONSTRAINED_USE = `FROM audit_events e, json_each(e.details, '$.constrained') j
    WHERE e.kind = 'gateway.decision' AND e.time >= ? AND e.time <= ? AND e.decision = 'allow' AND e.subject IN (SELECT value FROM json_each(?))`;

interface RawArgValue {
  readonly actor: string;
  readonly subject: string;
  readonly arg: string;
  readonly type: string;
  readonly value: string | number;
  readonly calls: number;
}

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
  const argValues = db.prepare<[number, number, string], RawArgValue>(`SELECT e.actor AS actor, e.subject AS subject, j.key AS arg, j.type AS type, j.atom AS value, count(*) AS calls
    ${CONSTRAINED_USE} AND j.type IN ('text', 'integer', 'real', 'true', 'false') GROUP BY 1, 2, 3, 4, 5`);
  const argPeaks = db.prepare<[number, number, string], ArgPeakRow>(`SELECT e.actor AS actor, e.subject AS subject, j.key AS arg, max(CAST(json_extract(j.value, '$.decimal') AS REAL)) AS peak
    ${CONSTRAINED_USE} AND j.type = 'object' GROUP BY 1, 2, 3`);
  // Per agent and minute, then per agent (all tools) and per agent and tool: one grouping pass.
  const ratePeaks = db.prepare<[number, number, string], RatePeakRow>(`
    WITH per_minute AS MATERIALIZED (SELECT actor, subject, time / ${MINUTE_MS} AS minute, count(*) AS n
      FROM audit_events WHERE kind = 'gateway.decision' AND time >= ? AND time <= ? AND decision = 'allow' AND actor IN (SELECT value FROM json_each(?))
      GROUP BY actor, subject, minute)
    SELECT actor, NULL AS subject, max(n) AS peak FROM (SELECT actor, sum(n) AS n FROM per_minute GROUP BY actor, minute) GROUP BY actor
    UNION ALL
    SELECT actor, subject, max(n) AS peak FROM per_minute GROUP BY actor, subject`);
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
    toolUse: (since, until) => toolUse.all(since, until),
    hours: (baselineStart, recentStart, until) => hours.all(recentStart, recentStart, baselineStart, until),
    issuance: (baselineStart, recentStart, until) => issuance.all(recentStart, recentStart, baselineStart, until),
    denied: (since, until) => denied.all(since, until),
    flaggedSince: (since) => new Set(flagged.all(since).filter((id): id is string => typeof id === 'string')),
    argValues: (since, until, tools) => (tools.length === 0 ? [] : argValues.all(since, until, JSON.stringify(tools)).map(argValueOf)),
    argPeaks: (since, until, tools) => (tools.length === 0 ? [] : argPeaks.all(since, until, JSON.stringify(tools))),
    ratePeaks: (since, until, actors) => (actors.length === 0 ? [] : ratePeaks.all(since, until, JSON.stringify(actors))),
    capPeaks: (keys, since) => new Map(keys.length === 0 ? [] : capPeaks.all(JSON.stringify(keys), since).map((r) => [r.key, r.peak])),
    activeGrants: () => activeGrants.all().map(grantFromRow),
    countDead: (cutoff) => ({ attestations: deadAttestations.get(cutoff) ?? 0, joinTokens: deadJoinTokens.get(cutoff) ?? 0, credentials: deadCredentials.get(cutoff) ?? 0 }),
    deleteDeadAttestations: (cutoff) => deleteAttestations.run(cutoff).changes,
    deleteDeadJoinTokens: (cutoff) => deleteJoinTokens.run(cutoff).changes,
    deleteDeadCredentials: (cutoff) => deleteCredentials.run(cutoff).changes,
    expireGrants: (ids, at) => ids.reduce((n, id) => n + expireGrant.run(at, id).changes, 0),
  };
}

/** json_each's atom for JSON true/false is 1/0: give the value back its JSON type. */
function argValueOf(row: RawArgValue): ArgValueRow {
  const value = row.type === 'true' ? true : row.type === 'false' ? false : row.value;
  return { actor: row.actor, subject: row.subject, arg: row.arg, value, calls: row.calls };
}
