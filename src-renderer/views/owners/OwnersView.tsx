import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { IdentityDto } from '../../../src-shared/dto.js';
import type { OwnerDto, OwnerState } from '../../../src-shared/reaper.js';
import { useOperatorClient } from '../../api/client-context.js';
import { queryKeys } from '../../api/query-keys.js';
import { ConfirmDialog } from '../../components/ConfirmDialog.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { ViewHeading } from '../../components/ViewHeading.js';
import { OperatorsSection } from './OperatorsSection.js';

const LIVE: ReadonlySet<IdentityDto['state']> = new Set(['PROVISIONED', 'ACTIVE', 'IDLE']);

/** The people agents belong to: their agents, and marking one departed or disabled with what the reaper will then do said first. */
export function OwnersView() {
  const client = useOperatorClient();
  const queryClient = useQueryClient();
  const owners = useQuery({ queryKey: queryKeys.owners, queryFn: () => client['owners.list']({}) });
  const identities = useQuery({ queryKey: queryKeys.identityList({}), queryFn: () => client['identities.list']({}) });
  const [changing, setChanging] = useState<{ owner: OwnerDto; state: OwnerState } | null>(null);
  const set = useMutation({
    mutationFn: (input: { id: string; state: OwnerState; reason?: string }) => client['owners.set'](input),
    onSettled: () => Promise.all([queryClient.invalidateQueries({ queryKey: queryKeys.owners }), queryClient.invalidateQueries({ queryKey: queryKeys.reaper })]),
  });
  const agentsOf = (owner: string) => (identities.data ?? []).filter((i) => i.owner === owner);
  const live = changing ? agentsOf(changing.owner.id).filter((i) => LIVE.has(i.state)) : [];

  return (
    <section aria-labelledby="view-heading">
      <ViewHeading>Owners</ViewHeading>
      <p>Every agent belongs to a person. When someone leaves, mark them departed: their agents stop at the reaper’s next run, with what those agents delegated.</p>
      {owners.isError && <ErrorNotice error={owners.error} title="Could not list owners" />}
      {owners.data && owners.data.length === 0 && <p className="muted">No owner yet: they appear with the first agent registered for them.</p>}
      {owners.data && owners.data.length > 0 && (
        <div className="table-scroll">
          <table>
            <caption className="visually-hidden">Owners and their agents</caption>
            <thead>
              <tr>
                <th scope="col">Owner</th>
                <th scope="col">State</th>
                <th scope="col">Agents</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {owners.data.map((owner) => (
                <tr key={owner.id} data-owner={owner.id}>
                  <th scope="row">{owner.id}</th>
                  <td>
                    <span className={`state state-${owner.state.toLowerCase()}`}>{owner.state}</span>
                  </td>
                  <td>
                    {agentsOf(owner.id).length === 0
                      ? <span className="muted">none</span>
                      : agentsOf(owner.id).map((i) => (
                          <span key={i.id} className="chip">
                            {i.id} <span className="muted">{i.state.toLowerCase()}</span>
                          </span>
                        ))}
                  </td>
                  <td className="row-actions">
                    {owner.state === 'ACTIVE' ? (
                      <>
                        <button type="button" className="danger" onClick={() => setChanging({ owner, state: 'DEPARTED' })}>
                          Mark departed<span className="visually-hidden"> {owner.id}</span>
                        </button>
                        <button type="button" onClick={() => setChanging({ owner, state: 'DISABLED' })}>
                          Disable<span className="visually-hidden"> {owner.id}</span>
                        </button>
                      </>
                    ) : (
                      <button type="button" onClick={() => setChanging({ owner, state: 'ACTIVE' })}>
                        Reactivate<span className="visually-hidden"> {owner.id}</span>
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <OperatorsSection />
      {changing && (
        <ConfirmDialog
          title={changing.state === 'ACTIVE' ? `Reactivate ${changing.owner.id}?` : `Mark ${changing.owner.id} ${changing.state.toLowerCase()}?`}
          confirmLabel={changing.state === 'ACTIVE' ? 'Reactivate' : changing.state === 'DEPARTED' ? 'Mark departed' : 'Disable'}
          danger={changing.state !== 'ACTIVE'}
          askReason
          onConfirm={(reason) => set.mutateAsync({ id: changing.owner.id, state: changing.state, ...(reason ? { reason } : {}) })}
          onClose={() => setChanging(null)}
        >
          {changing.state === 'ACTIVE' ? (
            <p>Their agents are no longer orphans; agents the reaper already revoked stay revoked.</p>
          ) : live.length === 0 ? (
            <p>{changing.owner.id} has no live agent: the reaper has nothing to stop.</p>
          ) : (
            <p>
              At the reaper’s next run, {live.length === 1 ? 'this agent is' : `these ${live.length} agents are`} revoked and decommissioned, {live.length === 1 ? 'its' : 'their'} grants revoked, and
              every agent {live.length === 1 ? 'it' : 'they'} delegated to stopped too: <strong>{live.map((i) => i.id).join(', ')}</strong>. Preview it in Reaper first if you want to see each action.
            </p>
          )}
        </ConfirmDialog>
      )}
    </section>
  );
}
