import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ENVIRONMENTS } from '../../../src-shared/domain.js';
import { useOperatorClient } from '../../api/client-context.js';
import { queryKeys } from '../../api/query-keys.js';
import { ConfirmDialog } from '../../components/ConfirmDialog.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { Time } from '../../components/Time.js';
import { ViewHeading } from '../../components/ViewHeading.js';
import { PasskeysSection } from '../approvals/PasskeysSection.js';
import { useStatus } from '../overview/use-status.js';

/** Trust domain and TTL caps (from config.json), signing keys and their rotation, passkeys. */
export function SettingsView() {
  const client = useOperatorClient();
  const queryClient = useQueryClient();
  const status = useStatus();
  const keys = useQuery({ queryKey: queryKeys.keys, queryFn: () => client['keys.list']({}) });
  const rotate = useMutation({
    mutationFn: (reason: string | undefined) => client['keys.rotate']({ reason }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: queryKeys.keys }),
  });
  const [asking, setAsking] = useState(false);
  const [message, setMessage] = useState('');

  return (
    <section aria-labelledby="view-heading">
      <ViewHeading>Settings</ViewHeading>
      <p role="status" className="announcement">
        {message}
      </p>
      {status.isError && <ErrorNotice error={status.error} title="Could not read the configuration" />}
      {status.data && (
        <>
          <h2>Trust domain</h2>
          <dl className="facts">
            <dt>Trust domain</dt>
            <dd>
              <code>{status.data.trustDomain}</code>
            </dd>
            <dt>Issuer</dt>
            <dd>
              <code>{status.data.issuer}</code>
            </dd>
            <dt>Data directory</dt>
            <dd>
              <code>{status.data.dataDir}</code>
            </dd>
            <dt>Store</dt>
            <dd>
              {status.data.store.kind === 'postgres' ? (
                <>
                  Postgres, shared by every replica of this team server: <code>{status.data.store.location}</code>
                </>
              ) : (
                <>
                  SQLite, on this machine: <code>{status.data.store.location}</code>
                </>
              )}
            </dd>
          </dl>
          <table className="counts">
            <caption>Credential TTL caps per environment</caption>
            <thead>
              <tr>
                <th scope="col">Environment</th>
                <th scope="col">Longest credential</th>
              </tr>
            </thead>
            <tbody>
              {ENVIRONMENTS.map((env) => (
                <tr key={env}>
                  <th scope="row">{env}</th>
                  <td className="number">{formatSeconds(status.data.ttlCapsSeconds[env])}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className="muted">
            These are set in <code>{status.data.dataDir}/config.json</code> (<code>trustDomain</code>, <code>ttlCapsSeconds</code>) and read at start.
          </p>
        </>
      )}
      <h2>Signing keys (ES256)</h2>
      {status.data && (
        <p className={status.data.keyProtection.note ? 'notice' : 'muted'} data-testid="key-protection">
          {status.data.keyProtection.kind === 'os-keychain'
            ? 'Private keys are sealed at rest under a master key that the operating system’s key store seals.'
            : `Private keys are sealed at rest under a master key kept in ${status.data.dataDir}/master-key.json, readable only by you (with CHARON_PASSPHRASE, encrypted under the passphrase).`}
          {status.data.keyProtection.note && <> {status.data.keyProtection.note}</>}
        </p>
      )}
      {keys.isError && <ErrorNotice error={keys.error} title="Could not list signing keys" />}
      {keys.data && (
        <table>
          <caption className="visually-hidden">Credential signing keys (ES256)</caption>
          <thead>
            <tr>
              <th scope="col">Key id</th>
              <th scope="col">State</th>
              <th scope="col">Created</th>
              <th scope="col">In trust bundle</th>
            </tr>
          </thead>
          <tbody>
            {keys.data.map((key) => (
              <tr key={key.kid}>
                <th scope="row">
                  <code>{key.kid}</code>
                </th>
                <td>{key.state}</td>
                <td>
                  <Time ms={key.createdAt} />
                </td>
                <td>{key.inBundle ? (key.leavesBundleAt ? <>until <Time ms={key.leavesBundleAt} /></> : 'yes') : 'no'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div className="row-actions">
        <button type="button" onClick={() => setAsking(true)}>
          Rotate signing key
        </button>
      </div>
      <p className="muted">Rotation signs new credentials with a new key; the old one stays in the trust bundle until every token it signed has expired. The emergency rotation is in the passkeys section below.</p>
      {asking && (
        <ConfirmDialog
          title="Rotate the signing key?"
          confirmLabel="Rotate"
          askReason
          onClose={() => setAsking(false)}
          onConfirm={async (reason) => {
            const key = await rotate.mutateAsync(reason);
            setMessage(`New signing key ${key.kid}.`);
          }}
        >
          <p>Live credentials stay valid until they expire.</p>
        </ConfirmDialog>
      )}
      <PasskeysSection onDone={setMessage} />
    </section>
  );
}

function formatSeconds(seconds: number): string {
  if (seconds % 3600 === 0) return `${seconds / 3600} h`;
  if (seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}
