import { describe, expect, it } from 'vitest';
import { count, relativeTime } from './format.js';

describe('count', () => {
  it('agrees the noun with the number ("1 record", never "1 records")', () => {
    expect(count(1, 'record')).toBe('1 record');
    expect(count(0, 'record')).toBe('0 records');
    expect(count(1024, 'record')).toBe('1,024 records');
    expect(count(2, 'identity', 'identities')).toBe('2 identities');
  });
});

describe('relativeTime', () => {
  it('says how far in words, in the largest unit that fits', () => {
    const now = Date.UTC(2026, 11, 4);
    expect(relativeTime(now + 30 * 86_400_000, now)).toBe('in 30 days');
    expect(relativeTime(now + 2 * 86_400_000, now)).toBe('in 2 days');
    expect(relativeTime(now + 3 * 3_600_000, now)).toBe('in 3 hours');
    expect(relativeTime(now - 90_000, now)).toBe('2 minutes ago');
    expect(relativeTime(now + 3_600_000 - 800, now)).toBe('in 1 hour');
  });
});
