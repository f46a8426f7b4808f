import { useState } from 'react';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { ViewHeading } from '../../components/ViewHeading.js';
import { IdentityFilters } from './IdentityFilters.js';
import { IdentityTable } from './IdentityTable.js';
import { RegisterIdentityForm } from './RegisterIdentityForm.js';
import { useIdentityList, type IdentityFilter } from './use-identities.js';

export function IdentitiesView() {
  const [filter, setFilter] = useState<IdentityFilter>({});
  const [message, setMessage] = useState('');
  const list = useIdentityList(filter);

  return (
    <section aria-labelledby="view-heading">
      <ViewHeading>Identities</ViewHeading>
      <RegisterIdentityForm onRegistered={(identity) => setMessage(`Registered ${identity.spiffeId}.`)} />
      <p role="status" className="announcement">
        {message}
      </p>
      <IdentityFilters onApply={setFilter} />
      {list.isPending && <p role="status">Loading identities…</p>}
      {list.isError && <ErrorNotice error={list.error} title="Could not list identities" />}
      {list.data && <IdentityTable identities={list.data} onDone={setMessage} />}
    </section>
  );
}
