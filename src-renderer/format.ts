const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

/** Epoch milliseconds as local date and time, for display. */
export function formatTime(ms: number): string {
  return dateTime.format(new Date(ms));
}

const clock = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
const shortDate = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });

/** For dense table cells: the time of day when it is today, else a short date and time. */
export function formatCompactTime(ms: number, now = Date.now()): string {
  const day = (t: number) => new Date(t).toDateString();
  return day(ms) === day(now) ? clock.format(ms) : shortDate.format(ms);
}

/** Epoch milliseconds as an ISO string, for `<time dateTime>` and tooltips. */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}

/** Splits a field of space- or comma-separated tokens, dropping empty ones. */
export function splitTokens(text: string): string[] {
  return text.split(/[\s,]+/).filter((token) => token.length > 0);
}

const plurals = new Intl.PluralRules('en');

/** "1 record", "2 records", "1,024 records": the count with the noun agreeing (`plural` for irregular ones). */
export function count(n: number, noun: string, plural = `${noun}s`): string {
  return `${n.toLocaleString('en')} ${plurals.select(n) === 'one' ? noun : plural}`;
}

const relative = new Intl.RelativeTimeFormat('en', { numeric: 'always' });
const UNITS: readonly [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 86_400_000],
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
  ['second', 1000],
];

/** "in 30 days", "2 hours ago": how far a moment is, in the largest unit that fits. */
export function relativeTime(ms: number, now = Date.now()): string {
  const raw = ms - now;
  // To the minute once it is a minute or more away: 59 min 59 s from now reads "in 1 hour".
  const delta = Math.abs(raw) >= 60_000 ? Math.sign(raw) * Math.round(Math.abs(raw) / 60_000) * 60_000 : raw;
  for (const [unit, size] of UNITS) if (Math.abs(delta) >= size || unit === 'second') return relative.format(Math.sign(delta) * Math.round(Math.abs(delta) / size), unit);
  return relative.format(0, 'second');
}
