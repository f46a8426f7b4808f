import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fullBucket, giveBack, isFull, refill, take, tokensAt, type BucketState, type RateLimit } from './token-bucket.js';

const limit: RateLimit = { perMinute: 60, burst: 10 };
const T0 = Date.UTC(2026, 0, 1);

function drain(state: BucketState | undefined, now: number, calls: number): { admitted: number; state: BucketState | undefined } {
  let admitted = 0;
  for (let i = 0; i < calls; i++) {
    const r = take(state, limit, now);
    state = r.state;
    if (r.ok) admitted++;
  }
  return { admitted, state };
}

describe('token bucket', () => {
  it('a fresh bucket admits exactly `burst` calls at one instant, then says when the next token comes', () => {
    const { admitted, state } = drain(undefined, T0, 50);
    expect(admitted).toBe(10);
    const refused = take(state, limit, T0);
    expect(refused).toMatchObject({ ok: false, retryAfterMs: 1000 });
  });

  it('refills perMinute/60 tokens per second, exactly, and never above burst', () => {
    const empty = drain(undefined, T0, 10).state as BucketState;
    expect(take(empty, limit, T0 + 999).ok).toBe(false);
    expect(take(empty, limit, T0 + 1000).ok).toBe(true);
    expect(tokensAt(empty, limit, T0 + 3500)).toBe(3);
    expect(tokensAt(empty, limit, T0 + 3_600_000)).toBe(10);
    expect(isFull(empty, limit, T0 + 10_000)).toBe(true);
    expect(isFull(empty, limit, T0 + 9_999)).toBe(false);
    // A rate that does not divide a second: 7 per minute is one token every 8571.43 ms.
    const seven: RateLimit = { perMinute: 7, burst: 1 };
    const spent = take(undefined, seven, T0).state;
    expect(take(spent, seven, T0 + 8571).ok).toBe(false);
    expect(take(spent, seven, T0 + 8572).ok).toBe(true);
  });

  it('a clock stepping backwards refills nothing (no tokens from replaying time)', () => {
    const empty = drain(undefined, T0, 10).state as BucketState;
    const later = refill(empty, limit, T0 + 5000);
    expect(tokensAt(later, limit, T0 - 60_000)).toBe(5);
    expect(refill(later, limit, T0).at).toBe(T0 + 5000);
  });

  it('giving a token back never lifts the bucket above burst', () => {
    const full = fullBucket(limit, T0);
    expect(giveBack(full, limit).level).toBe(full.level);
    const one = take(full, limit, T0).state;
    expect(giveBack(one, limit)).toEqual(full);
  });

  it('rejects a limit the grant schema would not allow', () => {
    expect(() => take(undefined, { perMinute: 0, burst: 1 }, T0)).toThrow(TypeError);
    expect(() => take(undefined, { perMinute: 1.5, burst: 1 }, T0)).toThrow(TypeError);
  });

  it('property: over any schedule, admitted calls ≤ burst + perMinute × elapsed minutes', () => {
    fc.assert(
      fc.property(
        fc.record({ perMinute: fc.integer({ min: 1, max: 100_000 }), burst: fc.integer({ min: 1, max: 100_000 }) }),
        fc.array(fc.integer({ min: 0, max: 5_000 }), { minLength: 1, maxLength: 300 }),
        (rate, gaps) => {
          let state: BucketState | undefined;
          let now = T0;
          let admitted = 0;
          for (const gap of gaps) {
            now += gap;
            const r = take(state, rate, now);
            state = r.state;
            if (r.ok) admitted++;
          }
          expect(admitted).toBeLessThanOrEqual(rate.burst + Math.floor((rate.perMinute * (now - T0)) / 60_000));
        },
      ),
      { numRuns: 500 },
    );
  });
});
