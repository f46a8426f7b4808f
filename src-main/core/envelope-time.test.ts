import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isCharonError } from './errors.js';
import { assertTimeZone, describeLocalTime, isWithinWindows, periodStart, zonedParts, type TimeWindow } from './envelope-time.js';

const HOUR = 3_600_000;
const utc = (y: number, mo: number, d: number, h = 0, mi = 0): number => Date.UTC(y, mo - 1, d, h, mi);
const NY = 'America/New_York';

describe('time zones', () => {
  it('refuses an unknown time zone with ERR_INVALID_INPUT instead of silently using UTC', () => {
    for (const zone of ['Mars/Olympus_Mons', '', 'UTC+25']) {
      let error: unknown;
      try {
        assertTimeZone(zone);
      } catch (e) {
        error = e;
      }
      expect(isCharonError(error, 'ERR_INVALID_INPUT')).toBe(true);
      expect(() => periodStart(utc(2026, 1, 1), 'day', zone)).toThrow();
      expect(() => isWithinWindows(utc(2026, 1, 1), [], zone)).toThrow();
    }
  });

  it('reads weekday and wall time in the zone, not in UTC', () => {
    // 2026-03-07 03:30Z is still Friday evening in New York (EST, UTC-5).
    expect(zonedParts(utc(2026, 3, 7, 3, 30), NY)).toMatchObject({ year: 2026, month: 3, day: 6, hour: 22, minute: 30, weekday: 4 });
    expect(describeLocalTime(utc(2026, 3, 7, 3, 30), NY)).toBe('Fri 22:30 in America/New_York');
  });
});

describe('windows', () => {
  const officeHours: TimeWindow[] = [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '09:00', end: '17:00' }];

  it('follows New York across the March DST change (09:00 local is 14:00Z before, 13:00Z after)', () => {
    // Friday 2026-03-06, EST: 13:30Z is 08:30 local, before opening; 14:00Z is 09:00, open.
    expect(isWithinWindows(utc(2026, 3, 6, 13, 30), officeHours, NY)).toBe(false);
    expect(isWithinWindows(utc(2026, 3, 6, 14, 0), officeHours, NY)).toBe(true);
    // Monday 2026-03-09, EDT: the same 13:30Z is now 09:30 local, open; 21:00Z is 17:00, closed (end exclusive).
    expect(isWithinWindows(utc(2026, 3, 9, 13, 30), officeHours, NY)).toBe(true);
    expect(isWithinWindows(utc(2026, 3, 9, 20, 59), officeHours, NY)).toBe(true);
    expect(isWithinWindows(utc(2026, 3, 9, 21, 0), officeHours, NY)).toBe(false);
    // Saturday is not a listed day, whatever the hour.
    expect(isWithinWindows(utc(2026, 3, 7, 15, 0), officeHours, NY)).toBe(false);
  });

  it('a window past midnight belongs to the day it starts on (fri 22:00-02:00 covers Saturday 01:00, not Friday 01:00)', () => {
    const lateFriday: TimeWindow[] = [{ days: ['fri'], start: '22:00', end: '02:00' }];
    const local = (d: number, h: number, mi = 0): number => utc(2026, 1, d, h + 5, mi); // January: EST, UTC-5
    expect(isWithinWindows(local(9, 21, 59), lateFriday, NY)).toBe(false); // Fri 21:59
    expect(isWithinWindows(local(9, 22), lateFriday, NY)).toBe(true); // Fri 22:00
    expect(isWithinWindows(local(9, 23, 59), lateFriday, NY)).toBe(true); // Fri 23:59
    expect(isWithinWindows(local(10, 0), lateFriday, NY)).toBe(true); // Sat 00:00
    expect(isWithinWindows(local(10, 1, 59), lateFriday, NY)).toBe(true); // Sat 01:59
    expect(isWithinWindows(local(10, 2), lateFriday, NY)).toBe(false); // Sat 02:00, end exclusive
    expect(isWithinWindows(local(9, 1), lateFriday, NY)).toBe(false); // Fri 01:00: Thursday's night, not listed
    expect(isWithinWindows(local(10, 22), lateFriday, NY)).toBe(false); // Sat 22:00
  });

  it('start == end is a whole day from start; an empty list allows nothing', () => {
    const allMonday: TimeWindow[] = [{ days: ['mon'], start: '00:00', end: '00:00' }];
    expect(isWithinWindows(utc(2026, 1, 5, 0, 0), allMonday, 'UTC')).toBe(true);
    expect(isWithinWindows(utc(2026, 1, 5, 23, 59), allMonday, 'UTC')).toBe(true);
    expect(isWithinWindows(utc(2026, 1, 6, 0, 0), allMonday, 'UTC')).toBe(false);
    expect(isWithinWindows(utc(2026, 1, 4, 23, 59), allMonday, 'UTC')).toBe(false);
    expect(isWithinWindows(utc(2026, 1, 5, 12, 0), [], 'UTC')).toBe(false);
  });
});

describe('period starts', () => {
  it('a New York day lasts 23 hours when DST starts and 25 when it ends', () => {
    const mar8 = periodStart(utc(2026, 3, 8, 12), 'day', NY);
    const mar9 = periodStart(utc(2026, 3, 9, 12), 'day', NY);
    expect(mar8).toBe(utc(2026, 3, 8, 5)); // midnight EST
    expect(mar9).toBe(utc(2026, 3, 9, 4)); // midnight EDT
    expect(mar9 - mar8).toBe(23 * HOUR);
    const nov1 = periodStart(utc(2026, 11, 1, 20), 'day', NY);
    const nov2 = periodStart(utc(2026, 11, 2, 20), 'day', NY);
    expect(nov1).toBe(utc(2026, 11, 1, 4)); // midnight EDT, although `now` is in EST
    expect(nov2 - nov1).toBe(25 * HOUR);
  });

  it('the repeated 01:00 hour of a fall-back is two periods, each a real hour', () => {
    const firstPass = utc(2026, 11, 1, 5, 30); // 01:30 EDT
    const secondPass = utc(2026, 11, 1, 6, 30); // 01:30 EST
    expect(periodStart(firstPass, 'hour', NY)).toBe(utc(2026, 11, 1, 5));
    expect(periodStart(secondPass, 'hour', NY)).toBe(utc(2026, 11, 1, 6));
  });

  it('a day that starts at 01:00 because midnight never happened (Santiago, September)', () => {
    // 2026-09-06: clocks jump from Saturday 23:59:59 (UTC-4) to Sunday 01:00 (UTC-3) at 04:00Z.
    expect(periodStart(utc(2026, 9, 6, 15), 'day', 'America/Santiago')).toBe(utc(2026, 9, 6, 4));
    // 2026-04-04: Saturday 23:00-23:59 happens twice; it is still Saturday, which began at 00:00 UTC-3.
    expect(periodStart(utc(2026, 4, 5, 3, 30), 'day', 'America/Santiago')).toBe(utc(2026, 4, 4, 3));
  });

  it('weeks start on Monday at local midnight', () => {
    // Sunday 2026-03-08 20:00 in New York: the week began Monday 2026-03-02 00:00 EST.
    expect(periodStart(utc(2026, 3, 9, 0), 'week', NY)).toBe(utc(2026, 3, 2, 5));
    // Monday 2026-03-09 00:00 EDT starts the next one.
    expect(periodStart(utc(2026, 3, 9, 4), 'week', NY)).toBe(utc(2026, 3, 9, 4));
    expect(periodStart(utc(2026, 3, 9, 3, 59), 'week', NY)).toBe(utc(2026, 3, 2, 5));
  });

  it('hours start at the local top of the hour in half-hour zones', () => {
    expect(periodStart(utc(2026, 1, 1, 10, 50), 'hour', 'Asia/Kolkata')).toBe(utc(2026, 1, 1, 10, 30)); // 16:20 IST → 16:00
    expect(periodStart(utc(2026, 1, 1, 10, 50), 'hour', 'Asia/Kathmandu')).toBe(utc(2026, 1, 1, 10, 15)); // 16:35 → 16:00
  });

  const zones = ['UTC', NY, 'Europe/London', 'America/Santiago', 'Australia/Lord_Howe', 'Asia/Kolkata', 'Asia/Kathmandu', 'Pacific/Auckland', 'America/St_Johns'];
  const instants = fc.integer({ min: utc(2020, 1, 1), max: utc(2035, 1, 1) });
  const localDate = (t: number, zone: string): string => {
    const p = zonedParts(t, zone);
    return `${p.year}-${p.month}-${p.day}`;
  };

  it('property: the day period is exactly the instants with the same local date', () => {
    fc.assert(
      fc.property(instants, fc.constantFrom(...zones), (t, zone) => {
        const start = periodStart(t, 'day', zone);
        expect(start).toBeLessThanOrEqual(t);
        expect(localDate(start, zone)).toBe(localDate(t, zone));
        expect(localDate(start - 1, zone)).not.toBe(localDate(t, zone));
      }),
      { numRuns: 2000 },
    );
  });

  it('property: the week period starts on the Monday of the same local week, and never moves backwards', () => {
    fc.assert(
      fc.property(instants, fc.integer({ min: 0, max: 10 * 86_400_000 }), fc.constantFrom(...zones), (t, later, zone) => {
        const start = periodStart(t, 'week', zone);
        expect(start).toBeLessThanOrEqual(t);
        expect(t - start).toBeLessThan(7 * 86_400_000 + 2 * HOUR);
        expect(zonedParts(start, zone).weekday).toBe(0);
        expect(zonedParts(start - 1, zone).weekday).toBe(6);
        expect(periodStart(t + later, 'week', zone)).toBeGreaterThanOrEqual(start);
      }),
      { numRuns: 1000 },
    );
  });

  it('property: an hour period holds `now`, lasts at most an hour, and never moves backwards', () => {
    fc.assert(
      fc.property(instants, fc.integer({ min: 0, max: 3 * HOUR }), fc.constantFrom(...zones), (t, later, zone) => {
        const start = periodStart(t, 'hour', zone);
        expect(start).toBeLessThanOrEqual(t);
        expect(t - start).toBeLessThan(HOUR);
        expect(periodStart(t + later, 'hour', zone)).toBeGreaterThanOrEqual(start);
      }),
      { numRuns: 2000 },
    );
  });
});
