import { useState } from 'react';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { ViewHeading } from '../../components/ViewHeading.js';
import { AuditChainStatus } from './AuditChainStatus.js';
import { AuditFilters } from './AuditFilters.js';
import { AuditTable } from './AuditTable.js';
import { useAuditList, type AuditFilter } from './use-audit.js';

export function AuditView() {
  const [filter, setFilter] = useState<AuditFilter>({});
  const list = useAuditList(filter);

  return (
    <section aria-labelledby="view-heading">
      <ViewHeading>Audit log</ViewHeading>
      <AuditChainStatus />
      <AuditFilters onApply={setFilter} />
      {list.isPending && <p role="status">Loading audit records…</p>}
      {list.isError && <ErrorNotice error={list.error} title="Could not list audit records" />}
      {list.data && <AuditTable events={list.data.pages.flat()} />}
      {list.hasNextPage && (
        <button type="button" onClick={() => void list.fetchNextPage()} disabled={list.isFetchingNextPage}>
          {list.isFetchingNextPage ? 'Loading…' : 'Load older records'}
        </button>
      )}
    </section>
  );
}
