import { describe, expect, it } from 'vitest';
import { readInSlices } from './time-slices.js';

const HOUR = 3_600_000;

/** The slices read over [since, until] when `rowsAt(from, to)` rows fall in each. */
function slicesOf(since: number, until: number, rowsAt: (from: number, to: number) => number): [number, number][] {
  const slices: [number, number][] = [];
  readInSlices(since, until, (from, to) => {
    slices.push([from, to]);
    return rowsAt(from, to);
  });
  return slices;
}

describe('reading a time range in slices', () => {
  it('covers since..until (until included) with consecutive slices, in order', () => {
    const slices = slicesOf(1_000, 1_000 + 30 * 24 * HOUR, () => 10);
    expect(slices[0]?.[0]).toBe(1_000);
    expect(slices.at(-1)?.[1]).toBe(1_000 + 30 * 24 * HOUR + 1);
    for (let i = 1; i < slices.length; i++) expect(slices[i]?.[0]).toBe(slices[i - 1]?.[1]);
  });

  it('includes a fractional until only up to its whole part, and reads nothing for an empty range', () => {
    expect(slicesOf(0, 10.5, () => 0)).toEqual([[0, 11]]);
    expect(slicesOf(10, 9, () => 0)).toEqual([]);
  });

  it('shortens slices where rows are dense and lengthens them where they are sparse', () => {
    // 100 000 rows an hour in the first day, none after.
    const slices = slicesOf(0, 3 * 24 * HOUR, (from, to) => Math.round((Math.max(0, Math.min(to, 24 * HOUR) - from) / HOUR) * 100_000));
    const first = slices.filter(([from]) => from < 24 * HOUR);
    const later = slices.filter(([from]) => from >= 24 * HOUR);
    expect(Math.min(...first.map(([from, to]) => to - from))).toBeLessThan(HOUR / 16);
    // Empty slices double: two days after the busy one take a dozen slices, not thousands.
    const lengths = later.map(([from, to]) => to - from);
    for (let i = 1; i < lengths.length - 1; i++) expect(lengths[i]).toBe(2 * (lengths[i - 1] as number));
    expect(later.length).toBeLessThan(16);
  });
});
