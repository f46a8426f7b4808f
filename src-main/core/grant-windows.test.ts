import { describe, expect, it } from 'vitest';
import { cedarDecimalText, compareDecimals, decimalUnits } from './grant-decimal.js';
import { intervalsCovered, mergeIntervals, windowIntervals } from './grant-windows.js';

const DAY = 1440;

describe('grant windows as minutes of the week', () => {
  it('maps a window per day, wrapping midnight and the end of the week', () => {
    expect(windowIntervals({ days: ['mon'], start: '09:00', end: '17:30' }, 'empty')).toEqual([[540, 1050]]);
    expect(windowIntervals({ days: ['mon', 'mon'], start: '22:00', end: '02:00' }, 'empty')).toEqual([[1320, DAY + 120]]);
    expect(windowIntervals({ days: ['sun'], start: '23:00', end: '01:00' }, 'empty')).toEqual([[6 * DAY + 1380, 7 * DAY], [0, 60]]);
  });

  it('reads start === end as nothing for a parent and as a whole day for a child (the conservative side for each)', () => {
    expect(windowIntervals({ days: ['tue'], start: '10:00', end: '10:00' }, 'empty')).toEqual([]);
    expect(windowIntervals({ days: ['tue'], start: '10:00', end: '10:00' }, 'full')).toEqual([[DAY + 600, 2 * DAY + 600]]);
  });

  it('merges touching intervals and checks coverage against the merged set', () => {
    expect(mergeIntervals([[10, 20], [0, 10], [30, 40]])).toEqual([[0, 20], [30, 40]]);
    expect(intervalsCovered([[5, 15]], [[0, 10], [10, 20]])).toBe(true);
    expect(intervalsCovered([[5, 25]], [[0, 10], [10, 20]])).toBe(false);
    expect(intervalsCovered([], [])).toBe(true);
  });
});

describe('grant decimals', () => {
  it('compares exactly in ten-thousandths, never as floats', () => {
    expect(decimalUnits('100')).toBe(1_000_000n);
    expect(decimalUnits('0.0001')).toBe(1n);
    expect(decimalUnits('999999999999999.9999')).toBe(9_999_999_999_999_999_999n);
    expect(compareDecimals('100', '100.0000')).toBe(0);
    expect(compareDecimals('0.3', '0.2999')).toBe(1);
    expect(compareDecimals('99.9999', '100')).toBe(-1);
  });

  it('refuses anything but the grant schema decimal', () => {
    for (const bad of ['', '-1', '1e2', '01', '1.', '.5', '1.00001', ' 1', '0x10']) expect(decimalUnits(bad), bad).toBeNull();
    expect(() => compareDecimals('1e2', '1')).toThrow(TypeError);
  });

  it('writes the form Cedar decimal() accepts', () => {
    expect(cedarDecimalText('100')).toBe('100.0');
    expect(cedarDecimalText('12.34')).toBe('12.34');
  });
});
