// Each anomaly from a realistic sequence of audit events (as the gateway and the authority
// record them), at the edge of its threshold, and never from an agent's normal working day.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnomalyKind } from '../../src-shared/reaper.js';
import { openTestPlane, type TestPlane } from '../test-support/control-plane.js';
import { DAY_MS, HOUR_MS, MINUTE_MS } from './thresholds.js';

let t: TestPlane;
// Monday 2026-11-23 11:30 UTC; the baseline is the two weeks before today.
const NOW = Date.UTC(2026, 10, 23, 11, 30);
const TODAY = Date.UTC(2026, 10, 23);
const spiffe = (id: string): string => `spiffe://charon.local/agent/${id}`;

beforeAll(async () => {
  t = await openTestPlane();
});
afterAll(async () => {
  await t.close();
});

function at(time: number, fn: () => void): void {
  t.clock.set(time);
  fn();
}
const call = (id: string, time: number, tool = 'files__read_file', decision: 'allow' | 'deny' = 'allow'): void =>
  at(time, () => void t.plane.audit.append({ actor: spiffe(id), kind: 'gateway.decision', subject: tool, decision, details: { method: 'tools/call', rule: decision === 'allow' ? 'grant' : 'no-grant', grantIds: [] } }));
const issue = (id: string, time: number): void =>
  at(time, () => void t.plane.audit.append({ actor: spiffe(id), kind: 'credential.issue', subject: spiffe(id), decision: 'allow', details: { jti: `${id}-${time}` } }));

/** Weekdays 09:00–17:00 UTC for the 14 days before today: a credential each hour, ten calls an hour on two tools. */
function workHistory(id: string): void {
  t.plane.store.transact(() => {
    for (let day = TODAY - 14 * DAY_MS; day < TODAY; day += DAY_MS) {
      const weekday = new Date(day).getUTCDay();
      if (weekday === 0 || weekday === 6) continue;
      for (let h = 9; h < 17; h++) {
        const hour = day + h * HOUR_MS;
        issue(id, hour);
        for (let i = 0; i < 10; i++) call(id, hour + i * 5 * MINUTE_MS, i % 2 ? 'files__read_file' : 'files__list_dir');
      }
    }
  });
}

/** A normal late morning: the usual tools, one credential. */
function normalMorning(id: string): void {
  issue(id, NOW - 40 * MINUTE_MS);
  for (let i = 0; i < 10; i++) call(id, NOW - 50 * MINUTE_MS + i * 4 * MINUTE_MS, i % 2 ? 'files__read_file' : 'files__list_dir');
}

async function worker(id: string, options: { environment?: 'dev' | 'test' | 'prod'; selectors?: string[] } = {}): Promise<void> {
  t.clock.set(TODAY - 15 * DAY_MS);
  await t.activeAgent(id, options);
  workHistory(id);
}

function flagged(id: string, kind?: AnomalyKind): unknown[] {
  t.clock.set(NOW);
  return t.plane.reaper
    .preview(NOW)
    .filter((a) => a.effect.type === 'flag' && a.subject === spiffe(id) && (kind === undefined || a.effect.anomaly === kind))
    .map((a) => ({ anomaly: a.effect.type === 'flag' ? a.effect.anomaly : null, evidence: a.evidence }));
}

describe('a normal working day', () => {
  it('raises nothing', async () => {
    await worker('steady');
    normalMorning('steady');
    expect(flagged('steady')).toEqual([]);
  });
});

describe('issuance-rate spike', () => {
  it('is raised at 20 credentials in the hour (19 is not), against a baseline of one an hour', async () => {
    await worker('spiky');
    for (let i = 0; i < 19; i++) issue('spiky', NOW - 50 * MINUTE_MS + i * MINUTE_MS);
    expect(flagged('spiky', 'issuance-spike')).toEqual([]);
    issue('spiky', NOW - MINUTE_MS);
    expect(flagged('spiky', 'issuance-spike')).toMatchObject([{ evidence: { recent: 20, baseline: 78 } }]); // 10 weekdays × 8 h, less the two hours before the baseline's start
  });
  it('is not raised for an agent whose own baseline is that busy', async () => {
    t.clock.set(TODAY - 15 * DAY_MS);
    await t.activeAgent('busy');
    t.plane.store.transact(() => {
      for (let time = TODAY - 14 * DAY_MS; time < NOW - HOUR_MS; time += 2 * MINUTE_MS) issue('busy', time);
      for (let i = 0; i < 30; i++) issue('busy', NOW - 59 * MINUTE_MS + 2 * i * MINUTE_MS);
    });
    expect(flagged('busy', 'issuance-spike')).toEqual([]);
  });
});

describe('activity outside usual hours', () => {
  it('is raised by 3 calls at 03:00 UTC from a 9-to-5 agent (2 are not), and not by the same calls at 11:00', async () => {
    await worker('nightowl');
    const night = NOW - 9 * HOUR_MS; // 02:30
    t.clock.set(night);
    call('nightowl', night + 40 * MINUTE_MS);
    call('nightowl', night + 45 * MINUTE_MS);
    expect(flagged('nightowl', 'off-hours')).toEqual([]);
    // Seen from 03:40, the recent hour holds the night calls.
    const when = night + 70 * MINUTE_MS;
    call('nightowl', night + 50 * MINUTE_MS);
    t.clock.set(when);
    const found = t.plane.reaper.preview(when).filter((a) => a.rule === 'anomaly.off-hours' && a.subject === spiffe('nightowl'));
    expect(found).toMatchObject([{ evidence: { hoursUtc: [3], recentEvents: 3 } }]);
    expect((found[0]?.evidence.usualHoursUtc as number[]).includes(11)).toBe(true);
  });
  it('needs a baseline: a brand-new agent working at night is not flagged', async () => {
    t.clock.set(NOW - 2 * HOUR_MS);
    await t.activeAgent('newbie');
    for (let i = 0; i < 5; i++) call('newbie', NOW - 30 * MINUTE_MS + i * MINUTE_MS);
    expect(flagged('newbie', 'off-hours')).toEqual([]);
  });
});

describe('environment jump', () => {
  it('is raised when a workload known in dev gets prod credentials for the first time', async () => {
    await worker('builder', { selectors: ['unix:uid:1001'] });
    t.clock.set(NOW - 2 * HOUR_MS);
    await t.activeAgent('builder-prod', { environment: 'prod', selectors: ['unix:uid:1001'] });
    issue('builder-prod', NOW - 10 * MINUTE_MS);
    expect(flagged('builder-prod', 'environment-jump')).toMatchObject([{ evidence: { environment: 'prod', knownAs: [{ id: 'builder', environment: 'dev', selectors: ['unix:uid:1001'] }] } }]);
  });
  it('is not raised for a prod agent of another workload, nor for one long known in prod', async () => {
    await worker('indexer', { selectors: ['unix:uid:1002'] });
    t.clock.set(NOW - 2 * HOUR_MS);
    await t.activeAgent('other-prod', { environment: 'prod', selectors: ['unix:uid:2002'] });
    issue('other-prod', NOW - 10 * MINUTE_MS);
    expect(flagged('other-prod', 'environment-jump')).toEqual([]);
    t.clock.set(TODAY - 15 * DAY_MS);
    await t.activeAgent('indexer-prod', { environment: 'prod', selectors: ['unix:uid:1003'] });
    await worker('indexer-dev2', { selectors: ['unix:uid:1003'] });
    issue('indexer-prod', TODAY - 3 * DAY_MS);
    issue('indexer-prod', NOW - 10 * MINUTE_MS);
    expect(flagged('indexer-prod', 'environment-jump')).toEqual([]);
  });
});

describe('bursts of denied calls', () => {
  it('is raised at 10 denials within 10 minutes (9 are not)', async () => {
    await worker('prober');
    for (let i = 0; i < 9; i++) call('prober', NOW - 9 * MINUTE_MS + i * MINUTE_MS, 'pay__send', 'deny');
    expect(flagged('prober', 'denied-burst')).toEqual([]);
    call('prober', NOW, 'pay__send', 'deny');
    expect(flagged('prober', 'denied-burst')).toMatchObject([{ evidence: { denied: 10 } }]);
  });
  it('is not raised by the same denials spread over half an hour', async () => {
    await worker('clumsy');
    for (let i = 0; i < 10; i++) call('clumsy', NOW - 30 * MINUTE_MS + i * 3 * MINUTE_MS, 'pay__send', 'deny');
    expect(flagged('clumsy', 'denied-burst')).toEqual([]);
  });
});

describe('calls to tools never used before', () => {
  it('is raised by a call to a tool absent from the whole lookback', async () => {
    await worker('explorer');
    normalMorning('explorer');
    call('explorer', NOW - 5 * MINUTE_MS, 'shell__exec');
    expect(flagged('explorer', 'new-tool')).toMatchObject([{ evidence: { tools: ['shell__exec'] } }]);
  });
  it('is not raised by the usual tools, nor by a tool last used three weeks ago (inside the drift lookback)', async () => {
    await worker('regular');
    call('regular', NOW - 21 * DAY_MS, 'files__write_file');
    normalMorning('regular');
    call('regular', NOW - 5 * MINUTE_MS, 'files__write_file');
    expect(flagged('regular', 'new-tool')).toEqual([]);
  });
});

describe('flagging', () => {
  it('records an anomaly once per window: a second run in the same window does not flag it again', async () => {
    await worker('repeat');
    for (let i = 0; i < 12; i++) call('repeat', NOW - 5 * MINUTE_MS + i * 10_000, 'pay__send', 'deny');
    t.clock.set(NOW);
    const first = t.plane.reaper.run(NOW).applied.filter((a) => a.subject === spiffe('repeat') && a.rule === 'anomaly.denied-burst');
    expect(first).toHaveLength(1);
    expect(flagged('repeat', 'denied-burst')).toEqual([]);
    // The unseen pay__send also makes it a new-tool anomaly: one record each.
    const records = t.plane.store.audit.list({ kind: 'reaper.anomaly', subject: spiffe('repeat'), limit: 10 }).filter((r) => r.details.rule === 'anomaly.denied-burst');
    expect(records).toMatchObject([{ actor: 'reaper', decision: 'info', details: { actionId: first[0]?.id, rule: 'anomaly.denied-burst', evidence: { denied: 12 } } }]);
  });
});
