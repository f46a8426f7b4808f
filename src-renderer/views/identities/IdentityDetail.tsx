import { useEffect, useRef, useState } from 'react';
import type { CredentialDto, IdentityDto } from '../../../src-shared/dto.js';
import { ConfirmDialog } from '../../components/ConfirmDialog.js';
import { Time } from '../../components/Time.js';
import { TtlBar } from '../../components/TtlBar.js';
import { useNow } from '../../components/use-now.js';
import { IdentityActivity } from './IdentityActivity.js';
import { IdentityGrants } from './IdentityGrants.js';
import { IdentityRowActions } from './IdentityRowActions.js';
import { SecretDialog } from '../../components/SecretDialog.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { useRevokeCredential, useRotateCredential } from './use-identities.js';

/** One identity in full: its facts, its actions, and each live credential with its countdown. */
export function IdentityDetail({ identity, credentials, onDone, onClose }: { identity: IdentityDto; credentials: readonly CredentialDto[]; onDone: (message: string) => void; onClose: () => void }) {
  const now = useNow(1000);
  const [revoking, setRevoking] = useState<CredentialDto | null>(null);
  const revoke = useRevokeCredential();
  const rotate = useRotateCredential();
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    // Opening a panel takes the keyboard there, and scrolls it into view.
    heading.current?.focus();
    heading.current?.scrollIntoView({ block: 'nearest' });
  }, [identity.id]);
  return (
    <section className="detail-panel detail-wide" aria-label={`Identity ${identity.id}`}>
      <h2 ref={heading} tabIndex={-1}>
        {identity.displayName || identity.id}
      </h2>
      <dl className="facts">
        <dt>SPIFFE id</dt>
        <dd>
          <code>{identity.spiffeId}</code>
        </dd>
        <dt>State</dt>
        <dd>
          <span className={`state state-${identity.state.toLowerCase()}`}>{identity.state}</span>
        </dd>
        <dt>Environment</dt>
        <dd>{identity.environment}</dd>
        <dt>Owner</dt>
        <dd>{identity.owner}</dd>
        <dt>Selectors</dt>
        <dd>{identity.selectors.length ? <code>{identity.selectors.join(' ')}</code> : <span className="muted">none</span>}</dd>
        <dt>Scopes</dt>
        <dd>{identity.scopes.length ? <code>{identity.scopes.join(' ')}</code> : <span className="muted">none</span>}</dd>
        <dt>Last attested</dt>
        <dd>
          <Time ms={identity.lastAttestedAt} />
        </dd>
        <dt>Attestation expires</dt>
        <dd>
          <Time ms={identity.attestationExpiresAt} />
        </dd>
        <dt>Last seen</dt>
        <dd>
          <Time ms={identity.lastSeenAt} />
        </dd>
      </dl>
      <IdentityRowActions identity={identity} onDone={onDone} />
      <IdentityGrants agentId={identity.id} />
      <IdentityActivity identity={identity} />
      <h3>Live credentials ({credentials.length})</h3>
      {credentials.length === 0 ? (
        <p className="muted">No live credential.</p>
      ) : (
        <ul className="credential-list" aria-label={`Live credentials of ${identity.id}`}>
          {credentials.map((c) => (
            <li key={c.jti}>
              <code title={c.jti}>{c.jti.slice(0, 12)}…</code> <TtlBar issuedAt={c.issuedAt} expiresAt={c.expiresAt} now={now} label={`Credential ${c.jti}`} />
              {c.dpopJkt && <span className="muted"> DPoP-bound</span>}
              <div className="muted">scope {c.scope || '(none)'} · aud {c.audience}</div>
              <div className="row-actions">
                <button type="button" onClick={() => rotate.mutate({ jti: c.jti })} disabled={rotate.isPending}>
                  Rotate<span className="visually-hidden"> credential {c.jti}</span>
                </button>
                <button type="button" className="danger" onClick={() => setRevoking(c)}>
                  Revoke credential<span className="visually-hidden"> {c.jti}</span>
                </button>
              </div>
            </li>
          ))}
        </ul>
      )}
      {rotate.isError && <ErrorNotice error={rotate.error} title="Not rotated" />}
      {rotate.data && (
        <SecretDialog title={`New credential for ${identity.id}`} secret={rotate.data.token} label="New credential" onClose={() => rotate.reset()}>
          <p>
            The old credential is retired (ROTATED) and refused from now on. Hand this one to the agent; it expires <Time ms={rotate.data.credential.expiresAt} /> and is not shown again.
          </p>
        </SecretDialog>
      )}
      <button type="button" onClick={onClose}>
        Close<span className="visually-hidden"> {identity.id}</span>
      </button>
      {revoking && (
        <ConfirmDialog
          title="Revoke this credential?"
          confirmLabel="Revoke credential"
          askReason
          danger
          onClose={() => setRevoking(null)}
          onConfirm={async (reason) => {
            await revoke.mutateAsync({ jti: revoking.jti, reason });
            onDone(`Credential ${revoking.jti} revoked; ${identity.id} must attest again for a new one.`);
          }}
        >
          <p>
            Credential <code>{revoking.jti}</code> of <strong>{identity.id}</strong> stops working at once, everywhere.
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}
