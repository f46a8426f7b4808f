import { useQueryClient } from '@tanstack/react-query';
import { createContext, useContext, useEffect, useState, useSyncExternalStore, type ReactNode } from 'react';
import type { AuditEventDto } from '../../src-shared/dto.js';
import { useEventSubscribe, useOperatorClient, useTransportKind } from '../api/client-context.js';
import { queryKeys } from '../api/query-keys.js';
import { AuditFeed, type FeedSnapshot } from './audit-feed.js';
import type { StreamState } from './event-stream.js';
import { keysTouchedBy } from './invalidation.js';
import { notifyApprovalRequest } from './notify.js';

interface Live {
  readonly feed: AuditFeed;
  readonly state: StreamState;
  readonly loadOlder: () => Promise<number>;
}

const LiveContext = createContext<Live | null>(null);

const PAGE = 1000;
// Whole-chain verification and the status counts are the expensive refreshes: at most this often.
const SLOW_REFRESH_MS = 5000;

/**
 * Holds the console's one subscription to pushed events: each audit record goes into the live
 * feed, and the queries its kind touches are invalidated (batched, so a burst costs one refetch).
 * After (re)connecting, the records missed meanwhile are fetched, so the feed has no gaps.
 */
export function LiveEventsProvider({ children }: { children: ReactNode }) {
  const subscribe = useEventSubscribe();
  const client = useOperatorClient();
  const kind = useTransportKind();
  const queryClient = useQueryClient();
  const [feed] = useState(() => new AuditFeed());
  const [state, setState] = useState<StreamState>('connecting');

  useEffect(() => {
    const stale = new Map<string, readonly string[]>();
    let fastTimer: ReturnType<typeof setTimeout> | null = null;
    let slowTimer: ReturnType<typeof setTimeout> | null = null;
    const flushFast = () => {
      fastTimer = null;
      for (const key of stale.values()) void queryClient.invalidateQueries({ queryKey: key });
      stale.clear();
    };
    const flushSlow = () => {
      slowTimer = null;
      void queryClient.invalidateQueries({ queryKey: queryKeys.auditVerify });
      void queryClient.invalidateQueries({ queryKey: queryKeys.status });
    };
    const catchUp = async () => {
      const last = feed.lastSeq;
      if (last === null) {
        feed.add(await client['audit.list']({ limit: PAGE }));
        return;
      }
      // Forward from the newest record held, page by page, until the head.
      for (let after = last; ; ) {
        const page = await client['audit.list']({ afterSeq: after, limit: PAGE });
        feed.add(page);
        const newest = page.at(-1);
        if (page.length < PAGE || !newest) return;
        after = newest.seq;
      }
    };
    const onRecord = (record: AuditEventDto) => {
      feed.add([record]);
      for (const key of keysTouchedBy(record.kind)) stale.set(key.join('/'), key);
      if (stale.size > 0 && fastTimer === null) fastTimer = setTimeout(flushFast, 250);
      if (slowTimer === null) slowTimer = setTimeout(flushSlow, SLOW_REFRESH_MS);
      // The desktop shell notifies from the main process; the browser console does it itself.
      if (kind === 'headless') notifyApprovalRequest(record);
    };
    const stop = subscribe(
      (message) => onRecord(message.data),
      (next) => {
        setState(next);
        if (next === 'live') void catchUp().catch(() => undefined);
      },
    );
    return () => {
      stop();
      if (fastTimer) clearTimeout(fastTimer);
      if (slowTimer) clearTimeout(slowTimer);
    };
  }, [subscribe, client, kind, queryClient, feed]);

  const loadOlder = async () => {
    const first = feed.firstSeq;
    if (first === null || first <= 1) return 0;
    const page = await client['audit.list']({ beforeSeq: first, limit: PAGE });
    feed.add(page);
    return page.length;
  };

  return <LiveContext.Provider value={{ feed, state, loadOlder }}>{children}</LiveContext.Provider>;
}

function useLive(): Live {
  const live = useContext(LiveContext);
  if (!live) throw new Error('useLive needs a LiveEventsProvider above it');
  return live;
}

/** The feed's current contents; re-renders at most once per feed tick. */
export function useAuditFeed(): FeedSnapshot & { readonly loadOlder: () => Promise<number> } {
  const live = useLive();
  const snapshot = useSyncExternalStore(live.feed.subscribe, live.feed.getSnapshot);
  return { ...snapshot, loadOlder: live.loadOlder };
}

export function useStreamState(): StreamState {
  return useLive().state;
}
