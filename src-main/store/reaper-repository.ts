// The reaper's reads: the audit log's window in one pass (reaper/window-facts.ts counts it), the
// inventory's grants and cap usage, and the cleanup of rows that expired long ago. Audit records
// are never deleted.
import type { DecisionRecord, ReaperFactsRepository } from '../core/reaper-ports.js';
import type { Statement } from 'better-sqlite3';
import type { Db } from './database.js';
import { grantFromRow, type GrantRow } from './grant-repository.js';
import { GrantSpecMemo } from './grant-spec-memo.js';
import { readInSlices } from './time-slices.js';

export interface ReaperRepositoryOptions {
  /**
   * Whether the window is read in slices of time (store/time-slices.ts): on SQLite it is cheaper
   * than a row at a time; on Postgres each slice is a round trip and a statement's rows come whole anyway.
   */
  readonly slices: boolean;
}

export function sqliteReaperRepository(db: Db, options: ReaperRepositoryOptions = { slices: true }): ReaperFactsRepository {
  /** Every row with `since <= time <= until`, in order, from `rows(from, to)` (`from <= time < to`). */
  const visitRows = <R>(since: number, until: number, rows: (from: number, to: number) => R[], visit: (row: R) => void): void => {
    const read = (from: number, to: number): number => {
      const slice = rows(from, to);
      for (const row of slice) visit(row);
      return slice.length;
    };
    if (options.slices) readInSlices(since, until, read);
    else read(since, Math.floor(until) + 1);
  };
  // The window's decisions from index audit_kind_time, in its order (kind fixed, so time order:
  // no sort). Only the records whose constrained values are wanted read their row for details
  // (SQLite defers the table seek until the CASE needs the column), and SQLite cuts the member
  // out (`->`): the window is walked once, and no other record's details are read. The tools are
  // a list of parameters (a statement per length, up to MAX_LISTED): checked on every allowed
  // record, a list costs less than a lookup into json_each's rows; longer lists go through json_each.
  const decisionsSql = (tools: string): string => `SELECT time, decision, actor, subject,
      CASE WHEN decision = 'allow' AND time >= ? AND subject IN (${tools}) THEN details -> '$.constrained' END
    FROM audit_events WHERE kind = 'gateway.decision' AND time >= ? AND time < ? ORDER BY time`;
  const byLength = new Map<number, Statement<unknown[], DecisionRecord>>();
  const decisions = (tools: number): Statement<unknown[], DecisionRecord> => {
    const length = tools > MAX_LISTED ? -1 : tools;
    let statement = byLength.get(length);
    if (!statement) {
      const list = length < 0 ? 'SELECT value FROM json_each(?)' : length === 0 ? 'NULL' : Array.from({ length }, () => '?').join(', ');
      byLength.set(length, (statement = db.prepare<unknown[], DecisionRecord>(decisionsSql(list)).raw()));
    }
    return statement;
  };
  const issuances = db
    .prepare<[number, number], [string, number]>("SELECT subject, time FROM audit_events WHERE kind = 'credential.issue' AND time >= ? AND time < ? AND decision = 'allow'")
    .raw();
  const flagged = db.prepare<[number], string | null>("SELECT json_extract(details, '$.actionId') FROM audit_events WHERE kind = 'reaper.anomaly' AND time >= ?").pluck();
  const capPeaks = db
    .prepare<[string, number], { key: string; peak: bigint }>('SELECT key, max(total_units) AS peak FROM envelope_usage WHERE key IN (SELECT value FROM json_each(?)) AND period_start >= ? GROUP BY key')
    .safeIntegers(true);
  const specs = new GrantSpecMemo();
  const activeGrants = db.prepare<[], GrantRow>("SELECT * FROM grants WHERE state = 'ACTIVE' ORDER BY agent_id, id");
  const deadAttestations = db.prepare<[number], number>('SELECT count(*) FROM attestations WHERE expires_at <= ?').pluck();
  const deadJoinTokens = db.prepare<[number], number>('SELECT count(*) FROM join_tokens WHERE expires_at <= ?').pluck();
  const deadCredentials = db.prepare<[number], number>('SELECT count(*) FROM credentials WHERE expires_at <= ?').pluck();
  const deleteAttestations = db.prepare('DELETE FROM attestations WHERE expires_at <= ?');
  const deleteJoinTokens = db.prepare('DELETE FROM join_tokens WHERE expires_at <= ?');
  const deleteCredentials = db.prepare('DELETE FROM credentials WHERE expires_at <= ?');
  const expireGrant = db.prepare("UPDATE grants SET state = 'EXPIRED', updated_at = ? WHERE id = ? AND state = 'ACTIVE'");

  return {
    scanDecisions: (since, until, constrained, visit) => {
      const tools = constrained.tools.length > MAX_LISTED ? [JSON.stringify(constrained.tools)] : constrained.tools;
      const statement = decisions(constrained.tools.length);
      visitRows(since, until, (from, to) => statement.all(constrained.since, ...tools, from, to), visit);
    },
    scanIssuances: (since, until, visit) => {
      visitRows(since, until, (from, to) => issuances.all(from, to), ([subject, time]) => visit(subject, time));
    },
    flaggedSince: (since) => new Set(flagged.all(since).filter((id): id is string => typeof id === 'string')),
    capPeaks: (keys, since) => new Map(keys.length === 0 ? [] : capPeaks.all(JSON.stringify(keys), since).map((r) => [r.key, r.peak])),
    activeGrants: () => {
      const grants = activeGrants.all().map((row) => grantFromRow(row, specs.read(row.spec)));
      specs.settle();
      return grants;
    },
    countDead: (cutoff) => ({ attestations: deadAttestations.get(cutoff) ?? 0, joinTokens: deadJoinTokens.get(cutoff) ?? 0, credentials: deadCredentials.get(cutoff) ?? 0 }),
    deleteDeadAttestations: (cutoff) => deleteAttestations.run(cutoff).changes,
    deleteDeadJoinTokens: (cutoff) => deleteJoinTokens.run(cutoff).changes,
    deleteDeadCredentials: (cutoff) => deleteCredentials.run(cutoff).changes,
    expireGrants: (ids, at) => ids.reduce((n, id) => n + expireGrant.run(at, id).changes, 0),
  };
}


/** The longest list of constrained tools given as parameters (a prepared statement per length). */
const MAX_LISTED = 16;
