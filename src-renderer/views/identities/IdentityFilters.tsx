import { useId } from 'react';
import { ENVIRONMENTS, LIFECYCLE_STATES, type Environment, type LifecycleState } from '../../../src-shared/domain.js';
import { AnySelect } from '../../components/AnySelect.js';
import type { InventoryQuery } from './inventory.js';

/** Search and filters apply as the operator types: the console holds the whole inventory. */
export function IdentityFilters({ query, onChange }: { query: InventoryQuery; onChange: (query: InventoryQuery) => void }) {
  const searchId = useId();
  return (
    <form className="filters" role="search" aria-label="Filter identities" onSubmit={(event) => event.preventDefault()}>
      <div className="field">
        <label htmlFor={searchId}>Search</label>
        <input id={searchId} type="search" value={query.search} placeholder="id, name, owner" onChange={(e) => onChange({ ...query, search: e.target.value })} autoComplete="off" spellCheck={false} />
      </div>
      <AnySelect label="State" value={query.state} options={LIFECYCLE_STATES} onChange={(state: LifecycleState | '') => onChange({ ...query, state })} />
      <AnySelect label="Environment" value={query.environment} options={ENVIRONMENTS} onChange={(environment: Environment | '') => onChange({ ...query, environment })} />
    </form>
  );
}
