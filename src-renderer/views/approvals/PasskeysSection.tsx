import { useState } from 'react';
import { ConfirmDialog } from '../../components/ConfirmDialog.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { count } from '../../format.js';
import { Time } from '../../components/Time.js';
import { useEmergencyRotate, useEnrollPasskey, usePasskeys, useRemovePasskey } from './use-approvals.js';

/** The owner's passkeys: enrol (the first freely, more with an existing one), remove with a fresh assertion. */
export function PasskeysSection({ onDone }: { onDone: (message: string) => void }) {
  const passkeys = usePasskeys();
  const enroll = useEnrollPasskey();
  const remove = useRemovePasskey();
  const emergency = useEmergencyRotate();
  const [label, setLabel] = useState('');
  const [confirmingEmergency, setConfirmingEmergency] = useState(false);
  const list = passkeys.data ?? [];

  return (
    <section aria-labelledby="passkeys-heading">
      <h2 id="passkeys-heading">Passkeys</h2>
      {passkeys.isError && <ErrorNotice error={passkeys.error} title="Could not list passkeys" />}
      {list.length === 0 ? (
        <p>No passkey is enrolled: approvals are impossible until you enroll one.</p>
      ) : (
        <ul aria-label="Enrolled passkeys">
          {list.map((p) => (
            <li key={p.id}>
              <strong>{p.label}</strong> <span className="muted">added <Time ms={p.createdAt} /></span>{' '}
              <button type="button" className="danger" disabled={remove.isPending || list.length < 2} onClick={() => void remove.mutateAsync(p.id).then(() => onDone(`Removed passkey ${p.label}.`)).catch(() => undefined)}>
                Remove<span className="visually-hidden"> passkey {p.label}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      <form
        aria-label="Enroll a passkey"
        onSubmit={(event) => {
          event.preventDefault();
          enroll.mutate(label.trim() || undefined, { onSuccess: (p) => onDone(`Enrolled passkey ${p.label}.`) });
        }}
      >
        <div className="field">
          <label htmlFor="passkey-label">Passkey name (optional)</label>
          <input id="passkey-label" value={label} maxLength={80} onChange={(event) => setLabel(event.target.value)} />
        </div>
        <button type="submit" className="primary" disabled={enroll.isPending}>
          {list.length === 0 ? 'Enroll a passkey' : 'Add another passkey'}
        </button>
      </form>
      {enroll.isError && <ErrorNotice error={enroll.error} title="No passkey enrolled" />}
      {remove.isError && <ErrorNotice error={remove.error} title="Passkey not removed" />}
      <h3>Emergency</h3>
      <p>If a signing key or a credential may have leaked: a new signing key, the old ones out of the trust bundle, every credential revoked. Needs your passkey.</p>
      <button type="button" className="danger" disabled={emergency.isPending} onClick={() => setConfirmingEmergency(true)}>
        Rotate keys and revoke everything
      </button>
      {confirmingEmergency && (
        <ConfirmDialog
          title="Rotate keys and revoke everything?"
          confirmLabel="Rotate and revoke everything"
          danger
          askReason
          onConfirm={(reason) => emergency.mutateAsync(reason ?? 'emergency rotation from the console').then((r) => onDone(`Rotated to key ${r.key.kid}; ${count(r.revokedCredentials, 'credential')} revoked.`))}
          onClose={() => setConfirmingEmergency(false)}
        >
          <p>This cannot be undone. At once:</p>
          <ul>
            <li>a new signing key signs every credential from now on, and the old keys leave the trust bundle (services that cached it must fetch it again);</li>
            <li>every live credential of every agent is revoked, with every delegation made from them; connected MCP clients are cut off;</li>
            <li>every agent must attest again (a new join token each) before it gets a credential.</li>
          </ul>
          <p>Your passkey is asked for next.</p>
        </ConfirmDialog>
      )}
      {emergency.isError && <ErrorNotice error={emergency.error} title="Emergency rotation not done" />}
    </section>
  );
}
