import { formatCompactTime, formatTime, isoTime } from '../format.js';

/** A moment, readable; `compact` (table cells) shows only the time of day for today, the full one on hover. */
export function Time({ ms, compact = false }: { ms: number | null; compact?: boolean }) {
  if (ms === null) return <span className="muted">never</span>;
  return (
    <time dateTime={isoTime(ms)} title={formatTime(ms)}>
      {compact ? formatCompactTime(ms) : formatTime(ms)}
    </time>
  );
}
