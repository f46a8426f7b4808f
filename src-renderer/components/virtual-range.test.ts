import { describe, expect, it } from 'vitest';
import { visibleRange } from './virtual-range.js';

describe('visibleRange', () => {
  it('renders only the rows in view plus the overscan, whatever the list length', () => {
    expect(visibleRange({ scrollTop: 0, viewport: 400, rowHeight: 40, count: 100_000, overscan: 2 })).toEqual({ start: 0, end: 12 });
    expect(visibleRange({ scrollTop: 40_000, viewport: 400, rowHeight: 40, count: 100_000, overscan: 2 })).toEqual({ start: 998, end: 1012 });
  });

  it('stays inside the list at its end and for short lists', () => {
    expect(visibleRange({ scrollTop: 3_999_800, viewport: 400, rowHeight: 40, count: 100_000, overscan: 2 })).toEqual({ start: 99_993, end: 100_000 });
    expect(visibleRange({ scrollTop: 0, viewport: 400, rowHeight: 40, count: 3 })).toEqual({ start: 0, end: 3 });
  });

  it('renders nothing for an empty list or a nonsense row height, and survives overscroll', () => {
    expect(visibleRange({ scrollTop: 0, viewport: 400, rowHeight: 40, count: 0 })).toEqual({ start: 0, end: 0 });
    expect(visibleRange({ scrollTop: 0, viewport: 400, rowHeight: 0, count: 10 })).toEqual({ start: 0, end: 0 });
    expect(visibleRange({ scrollTop: -300, viewport: 400, rowHeight: 40, count: 100, overscan: 0 })).toEqual({ start: 0, end: 10 });
  });
});
