const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

/** Epoch milliseconds as local date and time, for display. */
export function formatTime(ms: number): string {
  return dateTime.format(new Date(ms));
}

/** Epoch milliseconds as an ISO string, for `<time dateTime>` and tooltips. */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}

/** Splits a field of space- or comma-separated tokens, dropping empty ones. */
export function splitTokens(text: string): string[] {
  return text.split(/[\s,]+/).filter((token) => token.length > 0);
}
