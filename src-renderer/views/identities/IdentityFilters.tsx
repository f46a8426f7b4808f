import { useId } from 'react';
import { ENVIRONMENTS, LIFECYCLE_STATES, type Environment, type LifecycleState } from '../../../src-shared/domain.js';
import type { InventoryQuery } from './inventory.js';

/** Search and filters apply as the operator types: the console holds the whole inventory. */
export function IdentityFilters({ query, onChange }: { query: InventoryQuery; onChange: (query: InventoryQuery) => void }) {
  const ids = { search: useId(), state: useId(), environment: useId() };
  return (
    <form className="filters" role="search" aria-label="Filter identities" onSubmit={(event) => event.preventDefault()}>
      <div className="field">
        <label htmlFor={ids.search}>Search</label>
        <input id={ids.search} type="search" value={query.search} placeholder="id, name, owner" onChange={(e) => onChange({ ...query, search: e.target.value })} autoComplete="off" spellCheck={false} />
      </div>
      <div className="field">
        <label htmlFor={ids.state}>State</label>
        <select id={ids.state} value={query.state} onChange={(e) => onChange({ ...query, state: e.target.value as LifecycleState | '' })}>
          <option value="">Any</option>
          {LIFECYCLE_STATES.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={ids.environment}>Environment</label>
        <select id={ids.environment} value={query.environment} onChange={(e) => onChange({ ...query, environment: e.target.value as Environment | '' })}>
          <option value="">Any</option>
          {ENVIRONMENTS.map((e) => (
            <option key={e} value={e}>
              {e}
            </option>
          ))}
        </select>
      </div>
    </form>
  );
}
