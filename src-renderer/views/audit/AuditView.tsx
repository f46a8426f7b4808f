import { count as countOf } from '../../format.js';
import { useEffect, useMemo, useState } from 'react';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { ViewHeading } from '../../components/ViewHeading.js';
import { useAuditFeed, useStreamState } from '../../live/LiveEvents.js';
import { AuditChainStatus } from './AuditChainStatus.js';
import { AuditFeedFilters } from './AuditFeedFilters.js';
import { AuditRecordDetail } from './AuditRecordDetail.js';
import { AuditTable } from './AuditTable.js';
import { filterFeed, filterFromHash, filterToHash, type FeedFilter } from './audit-filter.js';
import { AuditExport } from './AuditExport.js';
import { useAuditVerify } from './use-audit.js';

/** The live audit feed: records pushed as they are appended, filtered and windowed in the console. */
export function AuditView() {
  const feed = useAuditFeed();
  const stream = useStreamState();
  const verify = useAuditVerify();
  // A link or a reload keeps the filter and the open record (the fragment carries them).
  const [initial] = useState(() => filterFromHash(window.location.hash));
  const [filter, setFilter] = useState<FeedFilter>(initial.filter);
  const [selected, setSelected] = useState<number | null>(initial.seq);
  useEffect(() => {
    window.history.replaceState(window.history.state, '', `${window.location.pathname}${window.location.search}${filterToHash(filter, selected)}`);
  }, [filter, selected]);
  const [older, setOlder] = useState<{ loading: boolean; error: unknown; done: boolean }>({ loading: false, error: null, done: false });
  const { events, count, version } = feed;
  // Recomputed per feed tick (at most ten a second), not per record; `version` marks in-place appends.
  const rows = useMemo(() => filterFeed(events, count, filter), [events, count, version, filter]);
  const detail = selected === null ? undefined : events.find((e) => e.seq === selected);

  const loadOlder = () => {
    setOlder({ loading: true, error: null, done: false });
    feed.loadOlder().then(
      (n) => setOlder({ loading: false, error: null, done: n === 0 }),
      (error: unknown) => setOlder({ loading: false, error, done: false }),
    );
  };

  return (
    <section aria-labelledby="view-heading">
      <ViewHeading>Audit log</ViewHeading>
      <AuditChainStatus />
      <AuditExport />
      <AuditFeedFilters filter={filter} kinds={feed.kinds} onChange={setFilter} />
      <p className="muted feed-meta" aria-live="off">
        <span className={`stream stream-${stream}`}>{stream === 'live' ? 'Live' : stream === 'connecting' ? 'Connecting…' : 'Reconnecting…'}</span> · {rows.length.toLocaleString()} of{' '}
        {countOf(count, 'record')} held{feed.events[0] ? `, from #${feed.events[0].seq}` : ''}
      </p>
      <div className="feed-layout">
        <AuditTable events={events} rows={rows} selected={selected} firstBad={verify.data?.firstBad?.seq ?? null} onSelect={setSelected} />
        {detail && <AuditRecordDetail event={detail} onClose={() => setSelected(null)} />}
      </div>
      {older.error !== null && <ErrorNotice error={older.error} title="Could not load older records" />}
      {(feed.events[0]?.seq ?? 1) > 1 && !older.done && (
        <button type="button" onClick={loadOlder} disabled={older.loading}>
          {older.loading ? 'Loading…' : 'Load older records'}
        </button>
      )}
    </section>
  );
}
