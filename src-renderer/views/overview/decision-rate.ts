import type { AuditEventDto } from '../../../src-shared/dto.js';

export interface MinuteBucket {
  /** Start of the minute, epoch ms. */
  readonly start: number;
  readonly allowed: number;
  readonly denied: number;
}

/**
 * Gateway decisions per minute over the last `minutes` whole minutes before `now`, newest last,
 * from the records the console holds (newest at the end of `events`; the scan stops at the window).
 */
export function decisionsPerMinute(events: readonly AuditEventDto[], count: number, now: number, minutes = 10): MinuteBucket[] {
  const end = Math.floor(now / 60_000) * 60_000 + 60_000;
  const start = end - minutes * 60_000;
  const buckets = Array.from({ length: minutes }, (_, i) => ({ start: start + i * 60_000, allowed: 0, denied: 0 }));
  for (let index = count - 1; index >= 0; index--) {
    const event = events[index];
    if (!event || event.time < start) break;
    if (event.kind !== 'gateway.decision' || event.time >= end) continue;
    const bucket = buckets[Math.floor((event.time - start) / 60_000)];
    if (!bucket) continue;
    if (event.decision === 'deny') bucket.denied++;
    else bucket.allowed++;
  }
  return buckets;
}

/** How much of the bar each kind fills, in percent of the busiest minute: denials are drawn as denials. */
export function barSegments(bucket: MinuteBucket, peak: number): { readonly allowedPct: number; readonly deniedPct: number } {
  const scale = 100 / Math.max(1, peak);
  return { allowedPct: bucket.allowed * scale, deniedPct: bucket.denied * scale };
}
