import { describe, expect, it } from 'vitest';
import { count } from './format.js';

describe('count', () => {
  it('agrees the noun with the number ("1 record", never "1 records")', () => {
    expect(count(1, 'record')).toBe('1 record');
    expect(count(0, 'record')).toBe('0 records');
    expect(count(1024, 'record')).toBe('1,024 records');
    expect(count(2, 'identity', 'identities')).toBe('2 identities');
  });
});
