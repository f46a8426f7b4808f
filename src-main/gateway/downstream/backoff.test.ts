import { describe, expect, it } from 'vitest';
import { Backoff, DEFAULT_BACKOFF } from './backoff.js';

describe('Backoff', () => {
  it('starts at 250 ms and doubles up to 30 s', () => {
    const backoff = new Backoff(DEFAULT_BACKOFF);
    const delays = Array.from({ length: 10 }, () => backoff.nextDelay());
    expect(delays).toEqual([250, 500, 1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000]);
    expect(backoff.exhausted).toBe(true);
  });

  it('forgets failures after a stable period, not before', () => {
    const backoff = new Backoff(DEFAULT_BACKOFF);
    backoff.nextDelay();
    backoff.nextDelay();
    backoff.connectionEnded(DEFAULT_BACKOFF.stableMs - 1);
    expect(backoff.nextDelay()).toBe(1000);
    backoff.connectionEnded(DEFAULT_BACKOFF.stableMs);
    expect(backoff.nextDelay()).toBe(250);
  });
});
