// The one-pass window facts against the grouped SQL queries they replaced, on the same rows of a
// real SQLite file: records out of time order (a clock set back), both kinds, allow and deny,
// constrained scalars and amounts, agents with and without a rate limit, records outside every
// window. Any difference in a count, a first/last time, a peak or a value is a failure.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../store/database.js';
import { sqliteReaperRepository } from '../store/reaper-repository.js';
import { gatherWindowFacts, type WindowBounds } from './window-facts.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const NOW = Date.UTC(2026, 10, 30, 12, 0, 0);
const W: WindowBounds = { lookbackStart: NOW - 30 * DAY, baselineStart: NOW - 14 * DAY - HOUR, recentStart: NOW - HOUR, burstStart: NOW - 10 * 60_000, driftStart: NOW - 30 * DAY, until: NOW };
const TOOLS = ['files__read_file', 'pay__charge', 'mail__send', 'files__list_dir'];
const CONSTRAINED = new Set(['files__read_file', 'pay__charge']);

let dir: string;
let db: Db;
let rated: Set<string>;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'charon-window-facts-'));
  db = openDatabase(join(dir, 'charon.db'));
  const insert = db.prepare("INSERT INTO audit_events (seq, time, actor, kind, subject, decision, details, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, '', '')");
  let rng = 7;
  const rand = (): number => (rng = (rng * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
  // Twelve busy agents and a crowd of occasional ones: more agents than the counters' first
  // capacity (256), so their arrays grow mid-window with counts already in them.
  const actors = Array.from({ length: 700 }, (_, i) => `spiffe://charon.local/agent/a${i}`);
  rated = new Set(actors.filter((_, i) => i % 3 !== 0));
  db.transaction(() => {
    for (let seq = 1; seq <= 6000; seq++) {
      // Mostly in order over 35 days, some records stamped hours or days earlier than the one before.
      let time = NOW - 35 * DAY + Math.floor((seq / 6000) * 35 * DAY);
      if (rand() < 0.08) time -= Math.floor(rand() * 3 * DAY);
      if (seq > 5900) time = NOW - Math.floor(rand() * 20 * 60_000); // a burst in the last minutes
      if (seq % 997 === 0) time = NOW + 5 * 60_000; // after `until`: in no window
      const actor = actors[rand() < 0.7 ? Math.floor(rand() * 12) : 12 + Math.floor(rand() * (actors.length - 12))] as string;
      if (rand() < 0.1) {
        insert.run(seq, time, 'charon', 'credential.issue', actor, rand() < 0.9 ? 'allow' : 'deny', '{}');
        continue;
      }
      if (rand() < 0.03) {
        insert.run(seq, time, actor, 'grant.create', 'grt_x', 'allow', '{}');
        continue;
      }
      const subject = TOOLS[Math.floor(rand() * TOOLS.length)] as string;
      // Mostly allowed, some denied, a few of the third kind (info).
      const r = rand();
      const decision = r < 0.15 ? 'deny' : r < 0.17 ? 'info' : 'allow';
      const constrained: Record<string, unknown> = {};
      if (subject === 'files__read_file') constrained.path = `/srv/${Math.floor(rand() * 4)}.txt`;
      if (subject === 'pay__charge') {
        constrained.amount = { decimal: (rand() * 500).toFixed(2) };
        constrained.currency = rand() < 0.5 ? 'EUR' : 'USD';
        constrained.urgent = rand() < 0.2;
        constrained.count = Math.floor(rand() * 3);
      }
      insert.run(seq, time, actor, 'gateway.decision', subject, decision, JSON.stringify({ method: 'tools/call', constrained }));
    }
    // Where a one-off error would hide: every window's edges, and peaks away from the end.
    let seq = 6000;
    const call = (time: number, actor: string, decision: string, subject = 'files__list_dir'): void => void insert.run(++seq, time, actor, 'gateway.decision', subject, decision, '{"constrained":{}}');
    for (const edge of [W.lookbackStart, W.baselineStart, W.recentStart, W.burstStart, W.until]) {
      for (const delta of [-1, 0, 1]) {
        call(edge + delta, actors[1] as string, 'allow');
        call(edge + delta, actors[2] as string, 'deny');
        insert.run(++seq, edge + delta, 'charon', 'credential.issue', actors[3] as string, 'allow', '{}');
      }
    }
    // A busy minute early in the drift window (the rate peak), for a rated agent and for one without a rate.
    for (let i = 0; i < 30; i++) call(W.driftStart + 2 * DAY + i * 1000, actors[1] as string, 'allow');
    for (let i = 0; i < 30; i++) call(W.driftStart + 2 * DAY + i * 1000, actors[0] as string, 'allow');
    for (let i = 0; i < 25; i++) call(W.driftStart + 3 * DAY + i * 1000, actors[1] as string, 'allow', 'mail__send');
    // Denials just inside the burst window.
    for (let i = 0; i < 6; i++) call(W.burstStart + 30_000 + i, actors[4] as string, 'deny');
  })();
});

afterAll(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The grouped queries the reaper ran before the one-pass scan, verbatim in what they computed. */
function reference(): Record<string, unknown[]> {
  const constrainedUse = `FROM audit_events e, json_each(e.details, '$.constrained') j
    WHERE e.kind = 'gateway.decision' AND e.time >= ? AND e.time <= ? AND e.decision = 'allow' AND e.subject IN (SELECT value FROM json_each(?))`;
  const tools = JSON.stringify([...CONSTRAINED].sort());
  const actors = JSON.stringify([...rated]);
  return {
    toolUse: db.prepare(`SELECT actor, subject, decision, count(*) AS calls, min(time) AS firstAt, max(time) AS lastAt FROM audit_events WHERE kind = 'gateway.decision' AND time >= ? AND time <= ? GROUP BY actor, subject, decision`).all(W.lookbackStart, W.until),
    hours: perAgent(db.prepare(`SELECT actor, (time / ${HOUR}) % 24 AS hour, sum(time < ?) AS baseline, sum(time >= ?) AS recent FROM audit_events WHERE kind = 'gateway.decision' AND time >= ? AND time <= ? GROUP BY actor, hour`).all(W.recentStart, W.recentStart, W.baselineStart, W.until) as { actor: string; hour: number; baseline: number; recent: number }[]),
    issuance: db.prepare(`SELECT subject, sum(time < ?) AS baseline, sum(time >= ?) AS recent FROM audit_events WHERE kind = 'credential.issue' AND time >= ? AND time <= ? AND decision = 'allow' GROUP BY subject`).all(W.recentStart, W.recentStart, W.baselineStart, W.until),
    denied: db.prepare(`SELECT actor, count(*) AS denied, min(time) AS firstAt, max(time) AS lastAt FROM audit_events WHERE kind = 'gateway.decision' AND time >= ? AND time <= ? AND decision = 'deny' GROUP BY actor`).all(W.burstStart, W.until),
    argValues: (db.prepare(`SELECT e.actor AS actor, e.subject AS subject, j.key AS arg, j.type AS type, j.atom AS value, count(*) AS calls ${constrainedUse} AND j.type IN ('text', 'integer', 'real', 'true', 'false') GROUP BY 1, 2, 3, 4, 5`).all(W.driftStart, W.until, tools) as { actor: string; subject: string; arg: string; type: string; value: unknown; calls: number }[]).map(({ type, value, ...r }) => ({ ...r, value: type === 'true' ? true : type === 'false' ? false : value })),
    argPeaks: db.prepare(`SELECT e.actor AS actor, e.subject AS subject, j.key AS arg, max(CAST(json_extract(j.value, '$.decimal') AS REAL)) AS peak ${constrainedUse} AND j.type = 'object' GROUP BY 1, 2, 3`).all(W.driftStart, W.until, tools),
    ratePeaks: db.prepare(`WITH per_minute AS MATERIALIZED (SELECT actor, subject, time / 60000 AS minute, count(*) AS n FROM audit_events WHERE kind = 'gateway.decision' AND time >= ? AND time <= ? AND decision = 'allow' AND actor IN (SELECT value FROM json_each(?)) GROUP BY actor, subject, minute)
      SELECT actor, NULL AS subject, max(n) AS peak FROM (SELECT actor, sum(n) AS n FROM per_minute GROUP BY actor, minute) GROUP BY actor
      UNION ALL SELECT actor, subject, max(n) AS peak FROM per_minute GROUP BY actor, subject`).all(W.driftStart, W.until, actors),
  };
}

/** The grouped query's (actor, hour) rows as the pass gives them: one row per agent, its 24 hours. */
function perAgent(rows: { actor: string; hour: number; baseline: number; recent: number }[]): { actor: string; baseline: number[]; recent: number[] }[] {
  const agents = new Map<string, { actor: string; baseline: number[]; recent: number[] }>();
  for (const row of rows) {
    let agent = agents.get(row.actor);
    if (!agent) agents.set(row.actor, (agent = { actor: row.actor, baseline: new Array<number>(24).fill(0), recent: new Array<number>(24).fill(0) }));
    agent.baseline[row.hour] = row.baseline;
    agent.recent[row.hour] = row.recent;
  }
  return [...agents.values()];
}

const sorted = (rows: unknown[]): string[] => rows.map((r) => JSON.stringify(Object.fromEntries(Object.entries(r as object).sort()))).sort();

describe('the reaper window in one pass', () => {
  it('counts exactly what the grouped queries counted, record for record', () => {
    const repo = sqliteReaperRepository(db);
    const facts = gatherWindowFacts({ decisions: (since, until, constrained, visit) => repo.scanDecisions(since, until, constrained, visit), issuances: (since, until, visit) => repo.scanIssuances(since, until, visit) }, W, CONSTRAINED, rated);
    const expected = reference();
    for (const [name, rows] of Object.entries(expected)) {
      expect(rows.length, name).toBeGreaterThan(0);
      expect(sorted((facts as unknown as Record<string, unknown[]>)[name] ?? []), name).toEqual(sorted(rows));
    }
  });
});

describe('the window pass and the order of its records', () => {
  const empty = { decisions: () => undefined, issuances: () => undefined };
  it('refuses decisions out of time order (per-minute peaks are counted as runs)', () => {
    const scan = {
      ...empty,
      decisions: (_s: number, _u: number, _c: unknown, visit: (r: readonly [number, string, string, string, string | null]) => void) => {
        visit([NOW - 1000, 'allow', 'a', 'files__list_dir', null]);
        visit([NOW - 2000, 'allow', 'a', 'files__list_dir', null]);
      },
    };
    expect(() => gatherWindowFacts(scan, W, CONSTRAINED, new Set(['a']))).toThrow(/out of time order/);
  });

  it('refuses more kinds of decision than its counters have slots for, rather than count one into another agent', () => {
    const scan = {
      ...empty,
      decisions: (_s: number, _u: number, _c: unknown, visit: (r: readonly [number, string, string, string, string | null]) => void) => {
        ['allow', 'deny', 'info', 'odd', 'odder'].forEach((decision, i) => visit([NOW - 1000 + i, decision, 'a', 'files__list_dir', null]));
      },
    };
    expect(() => gatherWindowFacts(scan, W, CONSTRAINED, new Set(['a']))).toThrow(/more kinds of decision/);
  });

  it('counts a minute shared by two tools once for the agent, and each tool apart', () => {
    const minute = Math.floor((NOW - DAY) / 60_000) * 60_000;
    const scan = {
      ...empty,
      decisions: (_s: number, _u: number, _c: unknown, visit: (r: readonly [number, string, string, string, string | null]) => void) => {
        for (const [dt, tool] of [[0, 't1'], [1, 't2'], [2, 't1'], [60_000, 't2'], [60_001, 't2'], [60_002, 't2'], [60_003, 't1']] as const) visit([minute + dt, 'allow', 'a', tool, null]);
      },
    };
    const { ratePeaks } = gatherWindowFacts(scan, W, CONSTRAINED, new Set(['a']));
    expect(ratePeaks).toEqual([
      { actor: 'a', subject: null, peak: 4 },
      { actor: 'a', subject: 't1', peak: 2 },
      { actor: 'a', subject: 't2', peak: 3 },
    ]);
  });
});
