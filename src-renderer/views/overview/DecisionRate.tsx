import { useMemo } from 'react';
import { useNow } from '../../components/use-now.js';
import { useAuditFeed } from '../../live/LiveEvents.js';
import { barSegments, decisionsPerMinute } from './decision-rate.js';

const minute = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });

/** Gateway decisions per minute, from the live feed: allowed and denied, the last ten minutes. */
export function DecisionRate() {
  const feed = useAuditFeed();
  const now = useNow(10_000);
  const { events, count, version } = feed;
  const buckets = useMemo(() => decisionsPerMinute(events, count, now), [events, count, version, now]);
  const peak = Math.max(1, ...buckets.map((b) => b.allowed + b.denied));
  const last = buckets.at(-1);
  const denied = buckets.reduce((n, b) => n + b.denied, 0);
  return (
    <figure className="rate" aria-labelledby="rate-caption">
      <figcaption id="rate-caption">
        <strong>{last ? last.allowed + last.denied : 0}</strong> gateway decisions this minute · <strong className={denied ? 'error-text' : ''}>{denied}</strong> denied in the last 10
        minutes
      </figcaption>
      <ol className="rate-bars" aria-label="Decisions per minute, oldest first">
        {buckets.map((b) => (
          <li key={b.start} className="rate-bar">
            <span className="rate-time">{minute.format(b.start)}</span>
            <RateBar {...barSegments(b, peak)} />
            <span className="rate-count">
              {b.allowed} allowed{b.denied > 0 && <span className="error-text">, {b.denied} denied</span>}
            </span>
          </li>
        ))}
      </ol>
    </figure>
  );
}

/** One minute's bar: allowed in the "ok" colour, denied in the "danger" colour, side by side. */
function RateBar({ allowedPct, deniedPct }: { allowedPct: number; deniedPct: number }) {
  return (
    <span className="rate-track" aria-hidden="true">
      <span className="rate-allowed" style={{ width: `${allowedPct}%` }} />
      <span className="rate-denied" style={{ width: `${deniedPct}%` }} />
    </span>
  );
}
