// The reaper's window reads on Postgres give what they give on SQLite, record for record and in
// the same order where one is promised: decisions in time order with the constrained members of
// the asked-for records only, allowed issuances in the window.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DecisionRecord, ReaperFactsRepository } from '../../core/reaper-ports.js';
import { startTestPostgres, type TestPostgres } from '../../test-support/postgres.js';
import { openSqliteStore } from '../sqlite-store.js';
import type { Store } from '../store.js';
import { openPostgresStore } from './pg-store.js';

const T0 = Date.UTC(2026, 10, 1);
const MINUTE = 60_000;

let pg: TestPostgres;
let dir: string;
beforeAll(async () => {
  pg = await startTestPostgres();
  dir = mkdtempSync(join(tmpdir(), 'charon-pg-reaper-'));
}, 60_000);
afterAll(async () => {
  await pg?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function fill(store: Store): void {
  const insert = store.db.prepare("INSERT INTO audit_events (seq, time, actor, kind, subject, decision, details, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, '', '')");
  store.transact(() => {
    let seq = 1_000;
    const rows: [number, string, string, string, string, string][] = [
      [T0 + 5 * MINUTE, 'a', 'gateway.decision', 'files__read_file', 'allow', '{"constrained":{"path":"/srv/a/1"}}'],
      // Stamped earlier than the record before it (a clock set back): comes first.
      [T0 + 2 * MINUTE, 'b', 'gateway.decision', 'files__read_file', 'allow', '{"constrained":{"path":"/srv/b/1","n":2}}'],
      [T0 + 3 * MINUTE, 'b', 'gateway.decision', 'files__read_file', 'deny', '{"constrained":{"path":"/etc"}}'],
      [T0 + 4 * MINUTE, 'a', 'gateway.decision', 'mail__send', 'allow', '{"constrained":{"to":"x"}}'],
      [T0 + 6 * MINUTE, 'a', 'gateway.decision', 'pay__charge', 'allow', '{"constrained":{"amount":{"decimal":"12.5"}}}'],
      [T0 + 7 * MINUTE, 'a', 'gateway.decision', 'pay__charge', 'allow', '{}'],
      [T0 + 7 * MINUTE + 1, 'a', 'gateway.decision', 'pay__charge', 'info', '{}'],
      [T0 - MINUTE, 'a', 'gateway.decision', 'files__read_file', 'allow', '{"constrained":{"path":"/before"}}'],
      [T0 + MINUTE, 'a', 'gateway.decision', 'files__read_file', 'allow', '{"constrained":{"path":"/not-yet"}}'],
      [T0 + 8 * MINUTE, 'charon', 'credential.issue', 'a', 'allow', '{}'],
      [T0 + 9 * MINUTE, 'charon', 'credential.issue', 'b', 'deny', '{}'],
      [T0 + 9 * MINUTE, 'a', 'grant.create', 'grt_1', 'allow', '{}'],
    ];
    for (const [time, actor, kind, subject, decision, details] of rows) insert.run(++seq, time, actor, kind, subject, decision, details);
  });
}

const TOOLS = ['files__read_file', 'pay__charge'];

function read(repo: ReaperFactsRepository, tools: readonly string[] = TOOLS): { decisions: DecisionRecord[]; issuances: [string, number][] } {
  const decisions: DecisionRecord[] = [];
  const issuances: [string, number][] = [];
  repo.scanDecisions(T0, T0 + 10 * MINUTE, { since: T0 + 2 * MINUTE, tools }, (r) => decisions.push([...r]));
  repo.scanIssuances(T0, T0 + 10 * MINUTE, (subject, time) => issuances.push([subject, time]));
  return { decisions, issuances };
}

describe("the reaper's window reads on Postgres", () => {
  it('give what SQLite gives', () => {
    const sqlite = openSqliteStore(join(dir, 'charon.db'));
    const postgres = openPostgresStore(pg.database());
    try {
      fill(sqlite);
      fill(postgres);
      const expected = read(sqlite.reaperFacts);
      expect(expected.decisions.map((r) => r[0])).toEqual([...expected.decisions.map((r) => r[0])].sort((a, b) => a - b));
      expect(expected.decisions.filter((r) => r[4] !== null).map((r) => JSON.parse(r[4] as string))).toEqual([{ path: '/srv/b/1', n: 2 }, { path: '/srv/a/1' }, { amount: { decimal: '12.5' } }]);
      expect(expected.issuances).toEqual([['a', T0 + 8 * MINUTE]]);
      const got = read(postgres.reaperFacts);
      // Postgres may space a member's JSON text differently: the same JSON is what counts.
      const parsed = (rows: DecisionRecord[]) => rows.map((r) => [...r.slice(0, 4), r[4] === null ? null : JSON.parse(r[4])]);
      expect(parsed(got.decisions)).toEqual(parsed(expected.decisions));
      expect(got.issuances).toEqual(expected.issuances);
      // No tool: no member read. Many tools (past the parameter list, through json_each): as few.
      const many = [...TOOLS, ...Array.from({ length: 30 }, (_, i) => `x__t${i}`)];
      for (const store of [sqlite, postgres]) {
        expect(read(store.reaperFacts, []).decisions.every((r) => r[4] === null)).toBe(true);
        expect(parsed(read(store.reaperFacts, many).decisions)).toEqual(parsed(expected.decisions));
      }
    } finally {
      sqlite.close();
      postgres.close();
    }
  });
});
