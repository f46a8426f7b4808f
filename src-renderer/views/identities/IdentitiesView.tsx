import { useMemo, useState } from 'react';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { ViewHeading } from '../../components/ViewHeading.js';
import { IdentityDetail } from './IdentityDetail.js';
import { IdentityFilters } from './IdentityFilters.js';
import { IdentityTable } from './IdentityTable.js';
import { DEFAULT_QUERY, liveCredentialsByAgent, queryInventory, type InventoryQuery, type SortKey } from './inventory.js';
import { RegisterIdentityForm } from './RegisterIdentityForm.js';
import { useIdentityList, useLiveCredentials } from './use-identities.js';

/** The inventory: every identity, searched, filtered and sorted in the console; pushed events keep it current. */
export function IdentitiesView() {
  const [query, setQuery] = useState<InventoryQuery>(DEFAULT_QUERY);
  const [selected, setSelected] = useState<string | null>(null);
  const [message, setMessage] = useState('');
  const list = useIdentityList({});
  const credentials = useLiveCredentials();
  const byAgent = useMemo(() => liveCredentialsByAgent(credentials.data ?? [], Date.now()), [credentials.data]);
  const shown = useMemo(() => queryInventory(list.data ?? [], (id) => byAgent.get(id)?.length ?? 0, query), [list.data, byAgent, query]);
  const detail = selected === null ? undefined : list.data?.find((i) => i.id === selected);
  const sort = (key: SortKey) => setQuery((q) => ({ ...q, sort: key, descending: q.sort === key ? !q.descending : false }));

  return (
    <section aria-labelledby="view-heading">
      <ViewHeading>Identities</ViewHeading>
      <RegisterIdentityForm onRegistered={(identity) => setMessage(`Registered ${identity.spiffeId}.`)} />
      <p role="status" className="announcement">
        {message}
      </p>
      <IdentityFilters query={query} onChange={setQuery} />
      {list.isPending && <p role="status">Loading identities…</p>}
      {list.isError && <ErrorNotice error={list.error} title="Could not list identities" />}
      {credentials.isError && <ErrorNotice error={credentials.error} title="Could not list credentials" />}
      {list.data && (
        <>
          <p className="muted feed-meta">
            {shown.length.toLocaleString()} of {list.data.length.toLocaleString()} identities
          </p>
          <IdentityTable identities={shown} credentials={byAgent} query={query} onSort={sort} selected={selected} onSelect={setSelected} />
          {/* Below the table, full width: beside it the table would lose its right-hand columns. */}
          {detail && <IdentityDetail identity={detail} credentials={byAgent.get(detail.id) ?? []} onDone={setMessage} onClose={() => setSelected(null)} />}
        </>
      )}
    </section>
  );
}
