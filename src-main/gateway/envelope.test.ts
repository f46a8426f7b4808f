import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import type { Envelope } from '../../src-shared/grant.js';
import { ManualClock, seconds } from '../core/clock.js';
import { parseDecimalUnits } from '../../src-shared/decimal-units.js';
import { capUsageKey } from '../core/envelope-caps.js';
import { periodStart } from '../core/envelope-time.js';
import { openSqliteStore, type Store } from '../store/sqlite-store.js';
import { EnvelopeEnforcer, type Admission, type AdmitRequest, type Refusal } from './envelope.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

function memoryStore(): Store {
  const store = openSqliteStore(':memory:');
  cleanups.push(() => store.close());
  return store;
}

function enforcer(store: Store = memoryStore()): EnvelopeEnforcer {
  return new EnvelopeEnforcer({ usage: store.envelopeUsage });
}

const units = (decimal: string): bigint => parseDecimalUnits(decimal) as bigint;
const NY = 'America/New_York';

function request(envelope: Envelope, now: number, extra: Partial<AdmitRequest> = {}): AdmitRequest {
  return { agentId: 'builder', grantId: 'g1', envelope, tool: 'files__write_file', amounts: {}, now, ...extra };
}

function refusal(result: Admission | Refusal): Refusal {
  if (result.ok) throw new Error('expected a refusal');
  return result;
}

/** An admit as the gateway will run it: inside an async request handler. */
async function admitAsync(e: EnvelopeEnforcer, req: AdmitRequest): Promise<Admission | Refusal> {
  await Promise.resolve();
  const result = e.admit(req);
  if (result.ok) result.commit();
  return result;
}

describe('rate limits', () => {
  const rate = { perMinute: 60, burst: 10 };

  it('a burst of 50 concurrent calls against burst 10 admits exactly 10', async () => {
    const clock = new ManualClock();
    const e = enforcer();
    const results = await Promise.all(Array.from({ length: 50 }, () => admitAsync(e, request({ rate }, clock.now()))));
    expect(results.filter((r) => r.ok)).toHaveLength(10);
    const refused = results.filter((r): r is Refusal => !r.ok);
    expect(refused).toHaveLength(40);
    expect(refused.every((r) => r.code === 'ERR_RATE_LIMITED' && r.rule === 'rate:agent' && r.retryAfterMs === 1000)).toBe(true);
  });

  it('the bucket refills with time: one call per second after the burst, ten after ten seconds', async () => {
    const clock = new ManualClock();
    const e = enforcer();
    const burst = async (n: number) => (await Promise.all(Array.from({ length: n }, () => admitAsync(e, request({ rate }, clock.now()))))).filter((r) => r.ok).length;
    expect(await burst(20)).toBe(10);
    clock.advance(999);
    expect(await burst(5)).toBe(0);
    clock.advance(1);
    expect(await burst(5)).toBe(1);
    clock.advance(seconds(60));
    expect(await burst(50)).toBe(10);
  });

  it('per-tool limits are independent: exhausting write_file leaves read_file its own budget', () => {
    const e = enforcer();
    const now = new ManualClock().now();
    const envelope: Envelope = { toolRates: { files__write_file: { perMinute: 1, burst: 2 }, files__read_file: { perMinute: 1, burst: 3 } } };
    const write = () => e.admit(request(envelope, now, { tool: 'files__write_file' }));
    const read = () => e.admit(request(envelope, now, { tool: 'files__read_file' }));
    expect([write(), write()].every((r) => r.ok)).toBe(true);
    expect(refusal(write())).toMatchObject({ code: 'ERR_RATE_LIMITED', rule: 'rate:tool:files__write_file' });
    expect([read(), read(), read()].every((r) => r.ok)).toBe(true);
    expect(refusal(read()).rule).toBe('rate:tool:files__read_file');
    // A tool with no rate of its own is limited only by the agent rate (none here).
    for (let i = 0; i < 20; i++) expect(e.admit(request(envelope, now, { tool: 'files__list_directory' })).ok).toBe(true);
  });

  it('a tool-rate refusal gives the agent-level token back (a refused call spends nothing)', () => {
    const e = enforcer();
    const now = new ManualClock().now();
    const envelope: Envelope = { rate: { perMinute: 1, burst: 2 }, toolRates: { files__write_file: { perMinute: 1, burst: 1 } } };
    expect(e.admit(request(envelope, now)).ok).toBe(true);
    expect(refusal(e.admit(request(envelope, now))).rule).toBe('rate:tool:files__write_file');
    // The agent bucket still has its second token for another tool.
    expect(e.admit(request(envelope, now, { tool: 'files__read_file' })).ok).toBe(true);
    expect(refusal(e.admit(request(envelope, now, { tool: 'files__read_file' }))).rule).toBe('rate:agent');
  });

  it('a tool named after an Object.prototype property finds no rate of its own', () => {
    const e = enforcer();
    const now = new ManualClock().now();
    expect(e.admit(request({ toolRates: {} }, now, { tool: 'constructor' })).ok).toBe(true);
  });
});

describe('time windows', () => {
  const weekdays: Envelope = { timeZone: NY, windows: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '09:00', end: '17:00' }] };

  it('a call outside the window is refused in the owner zone, also across the DST change', () => {
    const e = enforcer();
    const clock = new ManualClock(Date.UTC(2026, 2, 6, 13, 30)); // Fri 08:30 EST
    expect(refusal(e.admit(request(weekdays, clock.now())))).toMatchObject({ code: 'ERR_OUTSIDE_TIME_WINDOW', rule: 'window' });
    expect(refusal(e.admit(request(weekdays, clock.now()))).message).toContain('Fri 08:30 in America/New_York');
    clock.set(Date.UTC(2026, 2, 9, 13, 30)); // Mon 09:30 EDT: the same UTC time of day is now inside
    expect(e.admit(request(weekdays, clock.now())).ok).toBe(true);
    clock.set(Date.UTC(2026, 2, 9, 21, 0)); // Mon 17:00 EDT: end is exclusive
    expect(refusal(e.admit(request(weekdays, clock.now()))).rule).toBe('window');
  });

  it('a window wrapping midnight admits the small hours of the next day only', () => {
    const e = enforcer();
    const nightly: Envelope = { timeZone: NY, windows: [{ days: ['sat'], start: '23:00', end: '01:00' }] };
    expect(e.admit(request(nightly, Date.UTC(2026, 0, 11, 4, 30))).ok).toBe(true); // Sat 23:30 EST
    expect(e.admit(request(nightly, Date.UTC(2026, 0, 11, 5, 30))).ok).toBe(true); // Sun 00:30
    expect(refusal(e.admit(request(nightly, Date.UTC(2026, 0, 11, 6, 0)))).rule).toBe('window'); // Sun 01:00
    expect(refusal(e.admit(request(nightly, Date.UTC(2026, 0, 10, 5, 30)))).rule).toBe('window'); // Sat 00:30
  });

  it('an envelope with an unknown time zone refuses every call rather than guessing UTC', () => {
    const e = enforcer();
    expect(refusal(e.admit(request({ timeZone: 'Atlantis/Capital' }, Date.UTC(2026, 0, 1))))).toMatchObject({ code: 'ERR_INVALID_INPUT', rule: 'timeZone' });
  });
});

describe('cumulative caps', () => {
  const daily: Envelope = { timeZone: NY, caps: [{ tool: 'pay__charge', arg: 'amount', max: '100.00', per: 'day' }] };
  const charge = (e: EnvelopeEnforcer, amount: string, now: number) => e.admit(request(daily, now, { tool: 'pay__charge', amounts: { amount: units(amount) } }));

  it('100.00 a day in New York: 40 + 40 admitted, 30 refused, admitted again after local midnight', () => {
    const e = enforcer();
    const clock = new ManualClock(Date.UTC(2026, 10, 1, 12)); // Sun 07:00 EST, the 25-hour day
    expect(charge(e, '40', clock.now()).ok).toBe(true);
    expect(charge(e, '40.00', clock.now()).ok).toBe(true);
    const refused = refusal(charge(e, '30', clock.now()));
    expect(refused).toMatchObject({ code: 'ERR_CAP_EXCEEDED', rule: 'cap:pay__charge.amount/day' });
    expect(refused.message).toContain('80.0000 used');
    // 20.00 still fits exactly: sum + amount ≤ max.
    expect(charge(e, '20', clock.now()).ok).toBe(true);
    expect(refusal(charge(e, '0.0001', clock.now())).rule).toBe('cap:pay__charge.amount/day');
    // 04:59Z on Nov 2 is 23:59 EST on Nov 1 (a UTC day would already have rolled over)...
    clock.set(Date.UTC(2026, 10, 2, 4, 59));
    expect(charge(e, '30', clock.now()).ok).toBe(false);
    // ...and 05:00Z is local midnight: a new day.
    clock.set(Date.UTC(2026, 10, 2, 5, 0));
    expect(charge(e, '30', clock.now()).ok).toBe(true);
  });

  it('release() gives the reservation back; a second release() gives nothing more', () => {
    const store = memoryStore();
    const e = enforcer(store);
    const now = Date.UTC(2026, 0, 5, 15);
    const first = charge(e, '60', now);
    if (!first.ok) throw new Error('first charge refused');
    expect(charge(e, '60', now).ok).toBe(false);
    first.release();
    const second = charge(e, '60', now);
    if (!second.ok) throw new Error('released units were not given back');
    second.commit();
    first.release(); // again: must not free the 60 the second call spent
    second.release(); // after commit: does nothing
    expect(store.envelopeUsage.used(capUsageKey('g1', 'pay__charge', 'amount', 'day'), periodStart(now, 'day', NY))).toBe(units('60'));
    expect(charge(e, '60', now).ok).toBe(false);
  });

  it('release() also returns the rate tokens of a call that was not forwarded', () => {
    const e = enforcer();
    const now = Date.UTC(2026, 0, 5, 15);
    const envelope: Envelope = { rate: { perMinute: 1, burst: 1 } };
    const a = e.admit(request(envelope, now));
    if (!a.ok) throw new Error('refused');
    expect(e.admit(request(envelope, now)).ok).toBe(false);
    a.release();
    expect(e.admit(request(envelope, now)).ok).toBe(true);
  });

  it('a call without the capped amount, or with a negative one, is refused and cannot buy room', () => {
    const e = enforcer();
    const now = Date.UTC(2026, 0, 5, 15);
    expect(charge(e, '100', now).ok).toBe(true);
    expect(refusal(e.admit(request(daily, now, { tool: 'pay__charge', amounts: {} })))).toMatchObject({ code: 'ERR_INVALID_INPUT', rule: 'cap:pay__charge.amount/day' });
    expect(refusal(e.admit(request(daily, now, { tool: 'pay__charge', amounts: { amount: -units('50') } }))).code).toBe('ERR_INVALID_INPUT');
    expect(charge(e, '0.0001', now).ok).toBe(false);
  });

  it('one call above the whole cap is refused before it touches the store', () => {
    const e = enforcer();
    expect(refusal(charge(e, '100.0001', Date.UTC(2026, 0, 5, 15)))).toMatchObject({ code: 'ERR_CAP_EXCEEDED', rule: 'cap:pay__charge.amount/day' });
  });

  it('several caps on one call are all or nothing: a full weekly cap leaves the daily total untouched', () => {
    const store = memoryStore();
    const e = enforcer(store);
    const both: Envelope = {
      caps: [
        { tool: 'pay__charge', arg: 'amount', max: '100', per: 'day' },
        { tool: 'pay__charge', arg: 'amount', max: '150', per: 'week' },
      ],
    };
    const pay = (amount: string, now: number) => e.admit(request(both, now, { tool: 'pay__charge', amounts: { amount: units(amount) } }));
    const monday = Date.UTC(2026, 0, 5, 12);
    expect(pay('90', monday).ok).toBe(true);
    expect(pay('60', monday + 86_400_000).ok).toBe(true); // Tuesday: 60 of 100 daily, 150 of 150 weekly
    expect(refusal(pay('10', monday + 2 * 86_400_000)).rule).toBe('cap:pay__charge.amount/week');
    const wednesday = periodStart(monday + 2 * 86_400_000, 'day', 'UTC');
    expect(store.envelopeUsage.used(capUsageKey('g1', 'pay__charge', 'amount', 'day'), wednesday)).toBe(0n);
    expect(pay('10', Date.UTC(2026, 0, 12, 12)).ok).toBe(true); // next Monday: a new week
  });

  it('a cap refusal spends no rate token', () => {
    const e = enforcer();
    const now = Date.UTC(2026, 0, 5, 15);
    const envelope: Envelope = { ...daily, rate: { perMinute: 1, burst: 2 } };
    const pay = (amount: string) => e.admit(request(envelope, now, { tool: 'pay__charge', amounts: { amount: units(amount) } }));
    expect(pay('100').ok).toBe(true);
    for (let i = 0; i < 5; i++) expect(refusal(pay('1')).rule).toBe('cap:pay__charge.amount/day');
    expect(pay('0').ok).toBe(true); // the second token is still there
  });

  it('two gateway processes on one SQLite file never exceed the cap together', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'charon-envelope-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const path = join(dir, 'charon.db');
    const stores = [openSqliteStore(path), openSqliteStore(path)];
    cleanups.push(() => stores.forEach((s) => s.close()));
    const [a, b] = stores.map((s) => new EnvelopeEnforcer({ usage: s.envelopeUsage }));
    const now = Date.UTC(2026, 0, 5, 15);
    // 60 calls of 7.00 against 100.00, alternating between the two connections: at most 14 fit.
    const results = await Promise.all(Array.from({ length: 60 }, (_, i) => admitAsync(i % 2 === 0 ? (a as EnvelopeEnforcer) : (b as EnvelopeEnforcer), request(daily, now, { tool: 'pay__charge', amounts: { amount: units('7') } }))));
    expect(results.filter((r) => r.ok)).toHaveLength(14);
    const key = capUsageKey('g1', 'pay__charge', 'amount', 'day');
    for (const s of stores) expect(s.envelopeUsage.used(key, periodStart(now, 'day', NY))).toBe(units('98'));
  });

  it('property: for any sequence of amounts and releases, the admitted sum within a period never exceeds the cap, and every call that fits is admitted', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            amount: fc.bigInt({ min: 0n, max: units('150') }),
            advanceMs: fc.integer({ min: 0, max: 6 * 3_600_000 }),
            release: fc.boolean(),
          }),
          { minLength: 1, maxLength: 60 },
        ),
        (calls) => {
          const store = openSqliteStore(':memory:');
          try {
            const e = new EnvelopeEnforcer({ usage: store.envelopeUsage });
            const clock = new ManualClock(Date.UTC(2026, 10, 1, 0));
            const spent = new Map<number, bigint>();
            const max = units('100.00');
            for (const call of calls) {
              clock.advance(call.advanceMs);
              const period = periodStart(clock.now(), 'day', NY);
              const before = spent.get(period) ?? 0n;
              const result = e.admit(request(daily, clock.now(), { tool: 'pay__charge', amounts: { amount: call.amount } }));
              expect(result.ok).toBe(before + call.amount <= max);
              if (!result.ok) continue;
              if (call.release) result.release();
              else {
                result.commit();
                spent.set(period, before + call.amount);
              }
              const used = store.envelopeUsage.used(capUsageKey('g1', 'pay__charge', 'amount', 'day'), period);
              expect(used).toBe(spent.get(period) ?? 0n);
              expect(used).toBeLessThanOrEqual(max);
            }
          } finally {
            store.close();
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
