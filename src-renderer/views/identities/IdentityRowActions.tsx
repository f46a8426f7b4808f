import { useState } from 'react';
import type { LifecycleState } from '../../../src-shared/domain.js';
import type { IdentityDto } from '../../../src-shared/dto.js';
import { ConfirmDialog } from '../../components/ConfirmDialog.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { count } from '../../format.js';
import { JoinTokenDialog } from './JoinTokenDialog.js';
import { isLive, offeredTransitions, transitionLabel } from './lifecycle.js';
import { useCreateJoinToken, useKillIdentity, useRevokeIdentity, useTransitionIdentity } from './use-identities.js';

type Pending = { kind: 'transition'; to: LifecycleState } | { kind: 'revoke' } | { kind: 'kill' } | null;

/** The buttons of one table row, each behind a confirmation, and the join-token dialog. */
export function IdentityRowActions({ identity, onDone }: { identity: IdentityDto; onDone: (message: string) => void }) {
  const [pending, setPending] = useState<Pending>(null);
  const transition = useTransitionIdentity();
  const revoke = useRevokeIdentity();
  const kill = useKillIdentity();
  const joinToken = useCreateJoinToken();
  const close = () => setPending(null);
  const name = identity.id;

  return (
    <div className="row-actions" role="group" aria-label={`Actions for ${name}`}>
      {isLive(identity.state) && (
        <button type="button" onClick={() => joinToken.mutate({ agentId: name })} disabled={joinToken.isPending}>
          {identity.state === 'PROVISIONED' ? 'Create join token to activate' : 'Create join token'}
          <span className="visually-hidden"> for {name}</span>
        </button>
      )}
      {offeredTransitions(identity.state).map((to) => (
        <button type="button" key={to} onClick={() => setPending({ kind: 'transition', to })}>
          {transitionLabel[to]}
          <span className="visually-hidden"> {name}</span>
        </button>
      ))}
      {isLive(identity.state) && (
        <>
          <button type="button" className="danger" onClick={() => setPending({ kind: 'revoke' })}>
            Revoke<span className="visually-hidden"> {name}</span>
          </button>
          <button type="button" className="danger" onClick={() => setPending({ kind: 'kill' })}>
            Kill<span className="visually-hidden"> {name}</span>
          </button>
        </>
      )}
      {joinToken.isError && <ErrorNotice error={joinToken.error} title="No join token created" />}
      {joinToken.data && <JoinTokenDialog token={joinToken.data} onClose={() => joinToken.reset()} />}
      {pending?.kind === 'transition' && (
        <ConfirmDialog
          title={`${transitionLabel[pending.to]} ${name}?`}
          confirmLabel={transitionLabel[pending.to]}
          askReason
          danger={pending.to === 'DECOMMISSIONED'}
          onClose={close}
          onConfirm={async (reason) => {
            const updated = await transition.mutateAsync({ id: name, to: pending.to, reason });
            onDone(`${name} is now ${updated.state}.`);
          }}
        >
          <p>
            Move <strong>{name}</strong> from {identity.state} to {pending.to}.
            {pending.to === 'DECOMMISSIONED' && ' This is final.'}
          </p>
        </ConfirmDialog>
      )}
      {pending?.kind === 'revoke' && (
        <ConfirmDialog
          title={`Revoke ${name}?`}
          confirmLabel="Revoke"
          askReason
          danger
          onClose={close}
          onConfirm={async (reason) => {
            await revoke.mutateAsync({ id: name, reason });
            onDone(`${name} is revoked.`);
          }}
        >
          <p>
            <strong>{name}</strong> will get no new credentials and its live ones stop working. It cannot be reactivated.
          </p>
        </ConfirmDialog>
      )}
      {pending?.kind === 'kill' && (
        <ConfirmDialog
          title={`Kill ${name} now?`}
          confirmLabel="Kill"
          askReason
          danger
          onClose={close}
          onConfirm={async (reason) => {
            const result = await kill.mutateAsync({ id: name, reason });
            onDone(`${name} is killed: ${count(result.revokedCredentials, 'live credential')} revoked.`);
          }}
        >
          <p>
            The kill switch revokes <strong>{name}</strong> at once. It cannot be undone:
          </p>
          <ul>
            <li>every credential it holds stops working, and its open MCP sessions are closed;</li>
            <li>its grants are revoked;</li>
            <li>everything it delegated is cut, down to the last sub-agent;</li>
            <li>MCP clients that use it must be enrolled again as a new agent.</li>
          </ul>
        </ConfirmDialog>
      )}
    </div>
  );
}
