import { useId, useState } from 'react';
import { GRANT_STATES, type GrantDto, type GrantState } from '../../../src-shared/grant.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { Time } from '../../components/Time.js';
import { ViewHeading } from '../../components/ViewHeading.js';
import { GrantDetail } from './GrantDetail.js';
import { GrantEditor } from './GrantEditor.js';
import { useGrantList } from './use-grants.js';
import { ApprovalCell } from './ApprovalCell.js';

function summary(grant: GrantDto): string {
  return Object.entries(grant.spec.servers)
    .map(([server, g]) => `${server}: ${[...Object.keys(g.tools), ...g.prompts.map((p) => `prompt ${p}`), ...(g.resources.length ? [`${g.resources.length} resource pattern${g.resources.length === 1 ? '' : 's'}`] : [])].join(', ') || 'nothing'}`)
    .join(' · ');
}

/** Every grant: filter by state and agent, open one to read, narrow, revoke or verify it; make a new one. */
export function GrantsView() {
  const [state, setState] = useState<GrantState | undefined>('ACTIVE');
  const [agent, setAgent] = useState('');
  const [open, setOpen] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const grants = useGrantList(state, agent.trim() || undefined);
  const ids = { state: useId(), agent: useId() };
  const selected = grants.data?.find((g) => g.id === open) ?? null;
  return (
    <section aria-labelledby="view-heading">
      <ViewHeading>Grants</ViewHeading>
      <p>What each agent may call, exactly as it is enforced. A grant allows only the tools it names, with the arguments its constraints allow.</p>
      <div className="toolbar">
        <button type="button" className="primary" onClick={() => setCreating(true)}>
          New grant
        </button>
        <label htmlFor={ids.state}>State</label>
        <select id={ids.state} value={state ?? ''} onChange={(e) => setState((e.target.value || undefined) as GrantState | undefined)}>
          <option value="">all</option>
          {GRANT_STATES.map((s) => (
            <option key={s} value={s}>
              {s.toLowerCase()}
            </option>
          ))}
        </select>
        <label htmlFor={ids.agent}>Agent</label>
        <input id={ids.agent} value={agent} placeholder="any" spellCheck={false} onChange={(e) => setAgent(e.target.value)} />
      </div>
      {grants.isError && <ErrorNotice error={grants.error} title="Could not list grants" />}
      {grants.data && grants.data.length === 0 && <p className="muted">No grant matches.</p>}
      {grants.data && grants.data.length > 0 && (
        <div className="table-scroll">
          <table>
            <caption className="visually-hidden">Grants</caption>
            <thead>
              <tr>
                <th scope="col">Grant</th>
                <th scope="col">Agent</th>
                <th scope="col">Allows</th>
                <th scope="col">Made by</th>
                <th scope="col">Approval</th>
                <th scope="col">Expires</th>
                <th scope="col">State</th>
              </tr>
            </thead>
            <tbody>
              {grants.data.map((g) => (
                <tr key={g.id} data-grant={g.id} aria-selected={g.id === open}>
                  <th scope="row">
                    <button type="button" className="link" onClick={() => setOpen(g.id === open ? null : g.id)}>
                      {g.id}
                    </button>
                  </th>
                  <td>
                    {g.spec.agentId} <span className="muted">{g.spec.environment}</span>
                  </td>
                  <td className="ellipsis" title={summary(g)}>
                    {summary(g)}
                  </td>
                  <td>
                    {g.createdBy} <Time ms={g.createdAt} compact />
                  </td>
                  <td>
                    <ApprovalCell id={g.id} />
                  </td>
                  <td className={g.spec.expiresAt === null ? 'never' : undefined}>{g.spec.expiresAt === null ? 'never' : <Time ms={g.spec.expiresAt} compact />}</td>
                  <td>
                    <span className={`state state-${g.state.toLowerCase()}`}>{g.state}</span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {selected && <GrantDetail key={selected.id} grant={selected} onClose={() => setOpen(null)} />}
      {creating && <GrantEditor onClose={() => setCreating(false)} />}
    </section>
  );
}
