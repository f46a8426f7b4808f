// Wall-clock questions in the owner's IANA time zone, answered with Intl alone (no date
// library): is it inside an allowed window, and when did the current hour, day or week begin?
// Owners think in local time, and a fixed UTC offset is wrong for half the year wherever DST
// applies, so every answer goes through the zone's own rules for the instant in question.
import type { Envelope } from '../../src-shared/grant.js';
import { CharonError } from './errors.js';

export type CapPeriod = 'hour' | 'day' | 'week';
export type TimeWindow = NonNullable<Envelope['windows']>[number];
export type Weekday = TimeWindow['days'][number];

/** Monday first: weeks start on Monday (ISO 8601), and index 0 is what `periodStart('week')` rewinds to. */
const WEEKDAY_ORDER: readonly Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const INTL_WEEKDAYS: Readonly<Record<string, number>> = { Mon: 0, Tue: 1, Wed: 2, Thu: 3, Fri: 4, Sat: 5, Sun: 6 };

export const DEFAULT_TIME_ZONE = 'UTC';
const MINUTE = 60_000;
const DAY = 86_400_000;

/** Local calendar fields of one instant in one zone. */
export interface ZonedParts {
  readonly year: number;
  readonly month: number; // 1-12
  readonly day: number; // 1-31
  readonly hour: number; // 0-23
  readonly minute: number;
  readonly second: number;
  /** 0 = Monday … 6 = Sunday. */
  readonly weekday: number;
}

// Building a DateTimeFormat costs far more than using one, and admit() asks on every call.
// Bounded so that a stream of distinct (valid) zone spellings cannot grow it without limit.
const formatters = new Map<string, Intl.DateTimeFormat>();
const MAX_CACHED_ZONES = 256;

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  const cached = formatters.get(timeZone);
  if (cached) return cached;
  let formatter: Intl.DateTimeFormat;
  try {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      weekday: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  } catch (error) {
    if (error instanceof RangeError) throw new CharonError('ERR_INVALID_INPUT', `Unknown time zone "${timeZone}"; use an IANA name such as "Europe/Paris".`, { cause: error });
    throw error;
  }
  if (formatters.size >= MAX_CACHED_ZONES) formatters.clear();
  formatters.set(timeZone, formatter);
  return formatter;
}

/** Throws CharonError ERR_INVALID_INPUT unless `timeZone` is a zone this runtime knows. */
export function assertTimeZone(timeZone: string): void {
  formatterFor(timeZone);
}

function assertInstant(now: number): void {
  // A caller's bug, not untrusted input: `now` comes from a Clock.
  if (!Number.isFinite(now) || Number.isNaN(new Date(now).getTime())) throw new TypeError(`not a valid instant: ${now}`);
}

export function zonedParts(now: number, timeZone: string): ZonedParts {
  assertInstant(now);
  const fields: Record<string, string> = {};
  for (const part of formatterFor(timeZone).formatToParts(now)) fields[part.type] = part.value;
  const weekday = INTL_WEEKDAYS[fields.weekday ?? ''];
  if (weekday === undefined) throw new Error(`Intl returned an unexpected weekday: ${fields.weekday}`);
  return {
    year: Number(fields.year),
    month: Number(fields.month),
    day: Number(fields.day),
    // Some ICU versions still write midnight as "24" even with h23.
    hour: Number(fields.hour) % 24,
    minute: Number(fields.minute),
    second: Number(fields.second),
    weekday,
  };
}

/** Local wall-clock fields as if they were UTC: lets local dates be compared and shifted as plain numbers. */
function wallMs(year: number, month: number, day: number, hour = 0, minute = 0, second = 0, ms = 0): number {
  const d = new Date(0);
  // setUTCFullYear, unlike Date.UTC, does not turn years 0-99 into 1900-1999; day overflow rolls the month.
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(hour, minute, second, ms);
  return d.getTime();
}

const msOf = (t: number): number => ((t % 1000) + 1000) % 1000;

/** The local wall time of instant `t`, as a wallMs value. */
function wallAt(t: number, timeZone: string): number {
  const p = zonedParts(t, timeZone);
  return wallMs(p.year, p.month, p.day, p.hour, p.minute, p.second, msOf(t));
}

/**
 * The first instant at or before `now` whose local wall time has reached `wall`: when that local
 * midnight happened. Usually `wall - offset`, but the offset to use is the one in force at the
 * boundary, not at `now` (a DST change earlier today), and the local midnight may not exist at
 * all (zones that spring forward at 00:00 start the day at 01:00). Two fixed-point steps settle
 * both; a search covers anything stranger.
 */
function firstInstantAtWall(wall: number, now: number, timeZone: string): number {
  const reached = (t: number): boolean => wallAt(t, timeZone) >= wall;
  let candidate = wall - (wallAt(now, timeZone) - now);
  for (let step = 0; step < 2; step++) {
    if (candidate <= now && reached(candidate) && !reached(candidate - 1)) return candidate;
    candidate = wall - (wallAt(candidate, timeZone) - candidate);
  }
  // Binary search for the boundary; 9 days back is before the start of any week containing `now`.
  let lo = now - 9 * DAY;
  let hi = now;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (reached(mid)) hi = mid;
    else lo = mid;
  }
  return hi;
}

/**
 * When the current hour, day or week (from Monday) began in `timeZone`, as epoch milliseconds.
 * Days are local calendar days, so one can last 23 or 25 hours. Hours are the hour of real time
 * since the local top of the hour: the repeated hour of a fall-back is two periods, not one,
 * so nobody gets a double budget out of it — nor loses one.
 */
export function periodStart(now: number, per: CapPeriod, timeZone: string): number {
  const p = zonedParts(now, timeZone);
  if (per === 'hour') return now - (p.minute * MINUTE + p.second * 1000 + msOf(now));
  const daysBack = per === 'week' ? p.weekday : 0;
  return firstInstantAtWall(wallMs(p.year, p.month, p.day - daysBack), now, timeZone);
}

/** "HH:MM" to minutes after midnight; the grant schema already checked the shape. */
function minutesOf(hhmm: string): number {
  const match = /^([01][0-9]|2[0-3]):([0-5][0-9])$/.exec(hhmm);
  if (!match) throw new CharonError('ERR_INVALID_INPUT', `Not a time of day (HH:MM): "${hhmm}"`);
  return Number(match[1]) * 60 + Number(match[2]);
}

/**
 * Whether `now` falls inside one of `windows` in `timeZone`. A window's `end` is exclusive. If
 * `end` is not after `start` the window runs past midnight into the next day, and it belongs to
 * the day it starts on: fri 22:00-02:00 covers Saturday 01:00, not Friday 01:00. `start == end`
 * is therefore a full 24 hours, the only way to write "all day" with an exclusive end.
 * An empty list allows nothing.
 */
export function isWithinWindows(now: number, windows: readonly TimeWindow[], timeZone: string): boolean {
  const p = zonedParts(now, timeZone);
  const minute = p.hour * 60 + p.minute;
  const today = WEEKDAY_ORDER[p.weekday] as Weekday;
  const yesterday = WEEKDAY_ORDER[(p.weekday + 6) % 7] as Weekday;
  return windows.some((w) => {
    const start = minutesOf(w.start);
    const end = minutesOf(w.end);
    if (start < end) return w.days.includes(today) && minute >= start && minute < end;
    return (w.days.includes(today) && minute >= start) || (w.days.includes(yesterday) && minute < end);
  });
}

/** "Sat 10:15 in America/New_York": for refusal messages the owner can check against a wall clock. */
export function describeLocalTime(now: number, timeZone: string): string {
  const p = zonedParts(now, timeZone);
  const day = WEEKDAY_ORDER[p.weekday] as Weekday;
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${day[0]?.toUpperCase()}${day.slice(1)} ${pad(p.hour)}:${pad(p.minute)} in ${timeZone}`;
}
