import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteStore, type Store } from './sqlite-store.js';

const stores: Store[] = [];
afterEach(() => {
  for (const store of stores.splice(0)) store.close();
});

function open(): Store {
  const store = openSqliteStore(':memory:');
  stores.push(store);
  return store;
}

const INT64_MAX = 2n ** 63n - 1n;

describe('envelope usage repository', () => {
  it('reserves up to the max exactly, and not one unit more', () => {
    const { envelopeUsage: usage } = open();
    expect(usage.reserve([{ key: 'k', periodStart: 0, units: 60n, maxUnits: 100n }])).toEqual({ ok: true });
    expect(usage.reserve([{ key: 'k', periodStart: 0, units: 41n, maxUnits: 100n }])).toEqual({ ok: false, failed: 0 });
    expect(usage.reserve([{ key: 'k', periodStart: 0, units: 40n, maxUnits: 100n }])).toEqual({ ok: true });
    expect(usage.used('k', 0)).toBe(100n);
    // Another period of the same key is a separate total.
    expect(usage.reserve([{ key: 'k', periodStart: 1, units: 100n, maxUnits: 100n }])).toEqual({ ok: true });
  });

  it('a batch is all or nothing: one cap that does not fit leaves the others untouched', () => {
    const { envelopeUsage: usage } = open();
    usage.reserve([{ key: 'week', periodStart: 0, units: 90n, maxUnits: 100n }]);
    const result = usage.reserve([
      { key: 'day', periodStart: 0, units: 20n, maxUnits: 100n },
      { key: 'week', periodStart: 0, units: 20n, maxUnits: 100n },
    ]);
    expect(result).toEqual({ ok: false, failed: 1 });
    expect(usage.used('day', 0)).toBe(0n);
    expect(usage.used('week', 0)).toBe(90n);
  });

  it('totals near the 64-bit limit neither overflow into inexact REALs nor wrap', () => {
    const { envelopeUsage: usage } = open();
    const huge = INT64_MAX - 10n;
    expect(usage.reserve([{ key: 'k', periodStart: 0, units: huge, maxUnits: INT64_MAX }])).toEqual({ ok: true });
    expect(usage.reserve([{ key: 'k', periodStart: 0, units: 11n, maxUnits: INT64_MAX }])).toEqual({ ok: false, failed: 0 });
    expect(usage.reserve([{ key: 'k', periodStart: 0, units: 10n, maxUnits: INT64_MAX }])).toEqual({ ok: true });
    expect(usage.used('k', 0)).toBe(INT64_MAX);
    // A max beyond what SQLite can store still compares without throwing.
    expect(usage.reserve([{ key: 'k', periodStart: 0, units: 1n, maxUnits: INT64_MAX * 4n }])).toEqual({ ok: false, failed: 0 });
  });

  it('release never takes a total below zero, and refuses negative amounts', () => {
    const { envelopeUsage: usage } = open();
    usage.reserve([{ key: 'k', periodStart: 0, units: 5n, maxUnits: 100n }]);
    usage.release([{ key: 'k', periodStart: 0, units: 50n }]);
    expect(usage.used('k', 0)).toBe(0n);
    expect(() => usage.release([{ key: 'k', periodStart: 0, units: -50n }])).toThrow(TypeError);
    expect(() => usage.reserve([{ key: 'k', periodStart: 0, units: -50n, maxUnits: 100n }])).toThrow(TypeError);
    expect(usage.used('k', 0)).toBe(0n);
  });

  it('prunes periods that started before a point in time', () => {
    const { envelopeUsage: usage } = open();
    for (const periodStart of [0, 10, 20]) usage.reserve([{ key: 'k', periodStart, units: 1n, maxUnits: 100n }]);
    expect(usage.pruneBefore(20)).toBe(2);
    expect(usage.used('k', 0)).toBe(0n);
    expect(usage.used('k', 20)).toBe(1n);
  });

  it('reserving inside an outer transaction rolls back with it', () => {
    const store = open();
    expect(() =>
      store.transact(() => {
        store.envelopeUsage.reserve([{ key: 'k', periodStart: 0, units: 5n, maxUnits: 100n }]);
        throw new Error('later step failed');
      }),
    ).toThrow('later step failed');
    expect(store.envelopeUsage.used('k', 0)).toBe(0n);
  });
});
