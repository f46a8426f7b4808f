import { useState } from 'react';
import { constraintText } from '../../../src-shared/grant-text.js';
import type { GrantDto } from '../../../src-shared/grant.js';
import { ConfirmDialog } from '../../components/ConfirmDialog.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { Time } from '../../components/Time.js';
import { envelopeLines, otherLines } from '../approvals/spec-text.js';
import { GrantEditor } from './GrantEditor.js';
import { GrantLint } from './GrantLint.js';
import { TryCall } from './TryCall.js';
import { useGrantPolicy, useRevokeGrant, useVerifyGrant } from './use-grants.js';

/** One grant as the owner reads it: tools and every constraint in words, limits, expiry, who approved it, the Cedar it compiles to. */
export function GrantDetail({ grant, onClose }: { grant: GrantDto; onClose: () => void }) {
  const policy = useGrantPolicy(grant.id);
  const verify = useVerifyGrant();
  const revoke = useRevokeGrant();
  const [narrowing, setNarrowing] = useState(false);
  const [revoking, setRevoking] = useState(false);
  const tools = Object.entries(grant.spec.servers).flatMap(([server, g]) => Object.entries(g.tools).map(([tool, rule]) => ({ name: `${server}__${tool}`, args: Object.entries(rule.args ?? {}) })));
  return (
    <section className="detail-panel detail-wide" aria-label={`Grant ${grant.id}`}>
      <h2>
        Grant <code>{grant.id}</code> <span className={`state state-${grant.state.toLowerCase()}`}>{grant.state}</span>
      </h2>
      <dl className="facts">
        <dt>Agent</dt>
        <dd>
          {grant.spec.agentId} ({grant.spec.environment})
        </dd>
        <dt>Made by</dt>
        <dd>
          {grant.createdBy} <Time ms={grant.createdAt} />
        </dd>
        <dt>Expires</dt>
        <dd className={grant.spec.expiresAt === null ? 'never' : undefined}>{grant.spec.expiresAt === null ? 'never: it holds until revoked' : <Time ms={grant.spec.expiresAt} />}</dd>
        {grant.revokedAt !== null && (
          <>
            <dt>Revoked</dt>
            <dd>
              <Time ms={grant.revokedAt} />
            </dd>
          </>
        )}
        {grant.spec.purpose && (
          <>
            <dt>Purpose</dt>
            <dd>{grant.spec.purpose}</dd>
          </>
        )}
      </dl>
      <GrantLint spec={grant.spec} />
      <h3>Allows</h3>
      <ul aria-label="What the grant allows">
        {tools.map((t) => (
          <li key={t.name}>
            <code>{t.name}</code>
            {t.args.length === 0 ? ' with any arguments' : `: ${t.args.map(([arg, c]) => constraintText(arg, c)).join('; ')}`}
          </li>
        ))}
        {otherLines(grant.spec).map((l) => (
          <li key={l}>{l}</li>
        ))}
      </ul>
      <h3>Limits</h3>
      {envelopeLines(grant.spec.envelope).length === 0 ? (
        <p className="muted">No rate, window, cap or use limit.</p>
      ) : (
        <ul aria-label="Limits">
          {envelopeLines(grant.spec.envelope).map((l) => (
            <li key={l}>{l}</li>
          ))}
        </ul>
      )}
      <div className="row-actions">
        <button type="button" onClick={() => verify.mutate(grant.id)}>
          Verify approval
        </button>
        {grant.state === 'ACTIVE' && (
          <>
            <button type="button" onClick={() => setNarrowing(true)}>
              Narrow
            </button>
            <button type="button" className="danger" onClick={() => setRevoking(true)}>
              Revoke
            </button>
          </>
        )}
        <button type="button" className="link" onClick={onClose}>
          Close
        </button>
      </div>
      {verify.isError && <ErrorNotice error={verify.error} title="Could not verify" />}
      {verify.data && (
        <p role="status" className={verify.data.ok ? 'ok-text' : 'muted'}>
          {verify.data.ok ? `Approved with a passkey${verify.data.approvedAt ? ` on ${new Date(verify.data.approvedAt).toLocaleString()}` : ''}: the signature verifies over this exact grant.` : verify.data.message}
        </p>
      )}
      {grant.state === 'ACTIVE' && <TryCall grant={grant} />}
      <details>
        <summary>The Cedar policy it compiles to</summary>
        {policy.isError && <ErrorNotice error={policy.error} title="Could not compile" />}
        {policy.data && <pre className="policy-text">{policy.data.text}</pre>}
      </details>
      {narrowing && <GrantEditor narrowing={grant} onClose={() => setNarrowing(false)} />}
      {revoking && (
        <ConfirmDialog title={`Revoke ${grant.id}?`} confirmLabel="Revoke grant" danger askReason onConfirm={(reason) => revoke.mutateAsync({ id: grant.id, ...(reason ? { reason } : {}) })} onClose={() => setRevoking(false)}>
          <p>
            {grant.spec.agentId} loses what this grant allows at once: {tools.length} tool{tools.length === 1 ? '' : 's'}. Calls in flight finish; the next one is refused. Delegations drawn from it are cut too.
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}
