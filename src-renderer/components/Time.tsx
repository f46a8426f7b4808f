import { formatTime, isoTime } from '../format.js';

export function Time({ ms }: { ms: number | null }) {
  if (ms === null) return <span className="muted">never</span>;
  return (
    <time dateTime={isoTime(ms)} title={isoTime(ms)}>
      {formatTime(ms)}
    </time>
  );
}
