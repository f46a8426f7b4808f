import { useQuery } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import { useOperatorClient } from '../../api/client-context.js';
import { queryKeys } from '../../api/query-keys.js';
import { ENVIRONMENTS, type Environment } from '../../../src-shared/domain.js';
import type { IdentityDto } from '../../../src-shared/dto.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { splitTokens } from '../../format.js';
import { useRegisterIdentity } from './use-identities.js';

const empty = { id: '', owner: '', environment: 'dev' as Environment, displayName: '', selectors: '', scopes: '' };

/** Registers an agent identity; the control plane validates every field and names the bad one. */
export function RegisterIdentityForm({ onRegistered }: { onRegistered: (identity: IdentityDto) => void }) {
  const [form, setForm] = useState(empty);
  const [newOwner, setNewOwner] = useState(false);
  const register = useRegisterIdentity();
  const client = useOperatorClient();
  const owners = useQuery({ queryKey: queryKeys.owners, queryFn: () => client['owners.list']({}) });
  const known = (owners.data ?? []).map((o) => o.id);
  // A typo must not make a new owner (its agents would escape the owner rules): a name nobody uses is confirmed first.
  const unknownOwner = form.owner.trim() !== '' && known.length > 0 && !known.includes(form.owner.trim());
  const ids = { id: useId(), owner: useId(), environment: useId(), displayName: useId(), selectors: useId(), scopes: useId(), hint: useId(), owners: useId(), newOwner: useId() };
  const set = (field: keyof typeof empty) => (event: { target: { value: string } }) => setForm((f) => ({ ...f, [field]: event.target.value }));

  function submit(event: FormEvent) {
    event.preventDefault();
    register.mutate(
      {
        id: form.id.trim(),
        owner: form.owner.trim(),
        environment: form.environment,
        ...(form.displayName.trim() ? { displayName: form.displayName.trim() } : {}),
        selectors: splitTokens(form.selectors),
        scopes: splitTokens(form.scopes),
      },
      {
        onSuccess: (identity) => {
          setForm(empty);
          setNewOwner(false);
          onRegistered(identity);
        },
      },
    );
  }

  return (
    <form className="register" aria-labelledby={`${ids.id}-title`} onSubmit={submit}>
      <h2 id={`${ids.id}-title`}>Register an agent</h2>
      <p id={ids.hint} className="muted">
        Ids are 1–63 characters of a–z, 0–9, “.”, “_” or “-”. Selectors (<code>type:value</code>) and scopes are separated by spaces or commas.
      </p>
      <div className="form-grid">
        <div className="field">
          <label htmlFor={ids.id}>Agent id</label>
          <input id={ids.id} name="id" value={form.id} onChange={set('id')} required autoComplete="off" spellCheck={false} aria-describedby={ids.hint} />
        </div>
        <div className="field">
          <label htmlFor={ids.owner}>Owner</label>
          <input id={ids.owner} name="owner" list={ids.owners} value={form.owner} onChange={set('owner')} required autoComplete="off" spellCheck={false} />
          <datalist id={ids.owners}>
            {known.map((o) => (
              <option key={o} value={o} />
            ))}
          </datalist>
          {unknownOwner && (
            <label className="lint">
              <input id={ids.newOwner} type="checkbox" checked={newOwner} onChange={(e) => setNewOwner(e.target.checked)} required /> No owner “{form.owner.trim()}” yet ({known.join(', ')} exist): create this new owner
            </label>
          )}
        </div>
        <div className="field">
          <label htmlFor={ids.environment}>Environment</label>
          <select id={ids.environment} name="environment" value={form.environment} onChange={set('environment')}>
            {ENVIRONMENTS.map((e) => (
              <option key={e} value={e}>
                {e}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={ids.displayName}>Display name (optional)</label>
          <input id={ids.displayName} name="displayName" value={form.displayName} onChange={set('displayName')} maxLength={120} autoComplete="off" />
        </div>
        <div className="field wide">
          <label htmlFor={ids.selectors}>Selectors (optional)</label>
          <input id={ids.selectors} name="selectors" value={form.selectors} onChange={set('selectors')} placeholder="unix:uid:1000" autoComplete="off" spellCheck={false} />
        </div>
        <div className="field wide">
          <label htmlFor={ids.scopes}>Scopes (optional)</label>
          <input id={ids.scopes} name="scopes" value={form.scopes} onChange={set('scopes')} placeholder="files:read" autoComplete="off" spellCheck={false} />
        </div>
      </div>
      {register.isError && <ErrorNotice error={register.error} title="Registration refused" />}
      <button type="submit" className="primary" disabled={register.isPending || (unknownOwner && !newOwner)}>
        {register.isPending ? 'Registering…' : 'Register agent'}
      </button>
    </form>
  );
}
