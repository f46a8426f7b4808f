import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import type { InviteDto, OperatorRoleName } from '../../../src-shared/team.js';
import { useOperatorClient } from '../../api/client-context.js';
import { queryKeys } from '../../api/query-keys.js';
import { ConfirmDialog } from '../../components/ConfirmDialog.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { Time } from '../../components/Time.js';

/**
 * Team mode: who signs in to the team console. Each operator is an owner (of the agents that name
 * them); an admin also manages servers, keys and operators. An invite link is shown once.
 */
export function OperatorsSection() {
  const client = useOperatorClient();
  const queryClient = useQueryClient();
  const operators = useQuery({ queryKey: queryKeys.operators, queryFn: () => client['operators.list']({}) });
  const [id, setId] = useState('');
  const [role, setRole] = useState<OperatorRoleName>('owner');
  const [invite, setInvite] = useState<InviteDto | null>(null);
  const [removing, setRemoving] = useState<string | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: queryKeys.operators });
  const add = useMutation({ mutationFn: () => client['operators.invite']({ id, role }), onSuccess: (dto) => setInvite(dto), onSettled: refresh });
  const remove = useMutation({ mutationFn: (operator: string) => client['operators.remove']({ id: operator }), onSettled: refresh });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setInvite(null);
    add.mutate();
  };

  return (
    <section aria-labelledby="operators-heading">
      <h2 id="operators-heading">Team console operators</h2>
      <p className="muted">People who sign in to this server’s team console with a passkey. Each sees and approves the requests of the agents that name them as owner.</p>
      {operators.isError && <ErrorNotice error={operators.error} title="Could not list operators" />}
      {operators.data && operators.data.length > 0 && (
        <ul aria-label="Operators">
          {operators.data.map((o) => (
            <li key={o.id}>
              <strong>{o.id}</strong> {o.role} · {o.passkeys === 0 ? 'invited, no passkey yet' : `${o.passkeys} passkey${o.passkeys === 1 ? '' : 's'}`} · added <Time ms={o.createdAt} />
              {o.removedAt === null ? (
                <>
                  {' '}
                  <button type="button" className="danger" onClick={() => setRemoving(o.id)}>
                    Remove<span className="visually-hidden"> {o.id}</span>
                  </button>
                </>
              ) : (
                <span className="muted"> · removed</span>
              )}
            </li>
          ))}
        </ul>
      )}
      <form aria-label="Invite an operator" onSubmit={submit}>
        <label>
          Operator (owner name) <input value={id} onChange={(e) => setId(e.target.value)} required pattern="[a-z0-9][a-z0-9._\-]{0,62}" />
        </label>{' '}
        <label>
          Role{' '}
          <select value={role} onChange={(e) => setRole(e.target.value as OperatorRoleName)}>
            <option value="owner">owner</option>
            <option value="admin">admin</option>
          </select>
        </label>{' '}
        <button type="submit" disabled={add.isPending}>
          Invite
        </button>
      </form>
      {add.isError && <ErrorNotice error={add.error} title="Not invited" />}
      {invite && (
        <p role="status" className="notice">
          One-time link for <strong>{invite.operator.id}</strong>, valid until <Time ms={invite.expiresAt} />; it is shown only now: <code>{invite.url ?? invite.code}</code>
          {!invite.url && ' (no team console is configured: this is the bare code)'}
        </p>
      )}
      {removing && (
        <ConfirmDialog title={`Remove ${removing}?`} confirmLabel="Remove" danger onConfirm={() => remove.mutateAsync(removing).then(() => undefined)} onClose={() => setRemoving(null)}>
          <p>Their sessions end at once and their passkeys sign nothing more; approvals they signed still verify.</p>
        </ConfirmDialog>
      )}
    </section>
  );
}
