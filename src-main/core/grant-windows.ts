// Time-of-day windows as sets of minutes of the week, so attenuation can compare windows that
// wrap midnight or the end of the week. A window `{ days, start, end }` opens on each listed
// day at `start` and closes at `end` (exclusive); end < start closes on the next day.
import { WEEKDAYS } from '../../src-shared/grant.js';
import type { Envelope } from '../../src-shared/grant.js';

type Window = NonNullable<Envelope['windows']>[number];
/** Half-open [from, to) in minutes since Monday 00:00, 0 ≤ from < to ≤ WEEK. */
export type Interval = readonly [number, number];

const DAY = 24 * 60;
const WEEK = 7 * DAY;

const minutes = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/**
 * The intervals a window covers. `start === end` is ambiguous (nothing, or all day); callers
 * pick the reading that is conservative for them: `equalMeans: 'empty'` for a parent (grants
 * nothing extra), `'full'` for a child (claims the most).
 */
export function windowIntervals(window: Window, equalMeans: 'empty' | 'full'): Interval[] {
  const start = minutes(window.start);
  const end = minutes(window.end);
  const length = end > start ? end - start : end < start ? DAY - start + end : equalMeans === 'full' ? DAY : 0;
  if (length === 0) return [];
  const out: Interval[] = [];
  for (const day of new Set(window.days)) {
    const from = WEEKDAYS.indexOf(day) * DAY + start;
    const to = from + length;
    if (to <= WEEK) out.push([from, to]);
    else out.push([from, WEEK], [0, to - WEEK]);
  }
  return out;
}

/** Sorted, merged intervals (touching ones joined). */
export function mergeIntervals(intervals: readonly Interval[]): Interval[] {
  const sorted = [...intervals].sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const [from, to] of sorted) {
    const last = out.at(-1);
    if (last && from <= last[1]) last[1] = Math.max(last[1], to);
    else out.push([from, to]);
  }
  return out;
}

/** True when every minute of `inner` is covered by `outer`. */
export function intervalsCovered(inner: readonly Interval[], outer: readonly Interval[]): boolean {
  const merged = mergeIntervals(outer);
  return inner.every(([from, to]) => merged.some(([f, t]) => f <= from && to <= t));
}
