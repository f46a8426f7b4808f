import { useId, useState, type FormEvent } from 'react';
import { ENVIRONMENTS, LIFECYCLE_STATES, type Environment, type LifecycleState } from '../../../src-shared/domain.js';
import type { IdentityFilter } from './use-identities.js';

export function IdentityFilters({ onApply }: { onApply: (filter: IdentityFilter) => void }) {
  const [state, setState] = useState<LifecycleState | ''>('');
  const [environment, setEnvironment] = useState<Environment | ''>('');
  const [owner, setOwner] = useState('');
  const ids = { state: useId(), environment: useId(), owner: useId() };

  function submit(event: FormEvent) {
    event.preventDefault();
    onApply({
      ...(state ? { state } : {}),
      ...(environment ? { environment } : {}),
      ...(owner.trim() ? { owner: owner.trim() } : {}),
    });
  }

  return (
    <form className="filters" role="search" aria-label="Filter identities" onSubmit={submit}>
      <div className="field">
        <label htmlFor={ids.state}>State</label>
        <select id={ids.state} value={state} onChange={(event) => setState(event.target.value as LifecycleState | '')}>
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
        <select id={ids.environment} value={environment} onChange={(event) => setEnvironment(event.target.value as Environment | '')}>
          <option value="">Any</option>
          {ENVIRONMENTS.map((e) => (
            <option key={e} value={e}>
              {e}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={ids.owner}>Owner</label>
        <input id={ids.owner} value={owner} onChange={(event) => setOwner(event.target.value)} autoComplete="off" spellCheck={false} />
      </div>
      <button type="submit">Apply filters</button>
    </form>
  );
}
