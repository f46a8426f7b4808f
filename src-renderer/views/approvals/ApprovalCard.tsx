import { Fragment, useState } from 'react';
import type { ApprovalItemDto, JitChoiceDto } from '../../../src-shared/approvals.js';
import { ConfirmDialog } from '../../components/ConfirmDialog.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { GrantDiff } from './GrantDiff.js';
import { QuorumNote } from './QuorumNote.js';
import { useTeamSession } from '../team/TeamGate.js';
import { JitChoices } from './JitChoices.js';
import { Time } from '../../components/Time.js';
import { toggled } from '../../components/toggled.js';
import { relativeTime } from '../../format.js';
import { constraintText, envelopeRows, otherLines, subsetOf } from './spec-text.js';
import { useApprove, useDeny } from './use-approvals.js';

const RISK_LABEL = { read: 'read', write: 'write', transact: 'transact/delete' } as const;

/** The name an OAuth client gave itself, from the request's purpose (it is shown as self-declared). */
const clientNameOf = (purpose: string): string | null => /calls itself “(.+?)” \(self-declared/.exec(purpose)?.[1] ?? null;

/** One pending request: what is asked, as readable policy; approve (all or a subset) with a passkey, or deny. */
export function ApprovalCard({ item, hasPasskey, onDone }: { item: ApprovalItemDto; hasPasskey: boolean; onDone: (message: string) => void }) {
  const { request, tools } = item;
  const [checked, setChecked] = useState<ReadonlySet<string>>(() => new Set(tools.map((t) => t.name)));
  const [denying, setDenying] = useState(false);
  const [scope, setScope] = useState<JitChoiceDto['id']>(() => item.choices?.[0]?.id ?? 'once');
  const choice = item.choices?.find((c) => c.id === scope) ?? null;
  const approve = useApprove();
  const deny = useDeny();
  // Under M of N, every approver signs exactly the spec the first one signed; a held call is
  // approved at the scope chosen (exactly that spec); otherwise the checked tools.
  const fixed = item.quorum?.spec ?? null;
  const me = useTeamSession()?.session.operator.id ?? null;
  const signedAlready = me !== null && (item.quorum?.signedBy.includes(me) ?? false);
  const spec = fixed ?? (choice ? choice.spec : checked.size === tools.length ? request.spec : subsetOf(request.spec, checked));
  const toggle = (name: string) => setChecked((prev) => toggled(prev, name));
  const headingId = `request-${request.id}`;
  const client = clientNameOf(request.purpose);
  const prod = request.spec.environment === 'prod';
  const now = Date.now();

  return (
    <article className="approval-card" aria-labelledby={headingId} data-testid="approval-request">
      <h2 id={headingId}>
        {client ? `“${client}” (an OAuth client, agent ${request.agentId})` : request.agentId} asks for {tools.length} tool{tools.length === 1 ? '' : 's'}
      </h2>
      <p className="card-badges">
        <span className={`badge-risk risk-${item.risk}`}>Risk: {RISK_LABEL[item.risk]}</span>{' '}
        <span className={prod ? 'badge-env badge-prod' : 'badge-env'}>{prod ? 'PROD' : request.spec.environment}</span> <code className="muted">{request.id}</code>
      </p>
      <p className={spec.expiresAt === null ? 'expiry never' : 'expiry'}>
        {spec.expiresAt === null ? (
          <strong>Never expires: it holds until you revoke it</strong>
        ) : (
          <>
            Expires <strong>{relativeTime(spec.expiresAt, now)}</strong> (<Time ms={spec.expiresAt} />)
          </>
        )}
        <span className="muted"> · this request closes {relativeTime(request.expiresAt, now)}</span>
      </p>
      <p>
        <strong>Purpose:</strong> {request.purpose}
      </p>
      {item.quorum && <QuorumNote quorum={item.quorum} />}
      {item.choices && !fixed && <JitChoices requestId={request.id} choices={item.choices} chosen={scope} onChoose={setScope} />}
      <fieldset hidden={item.choices !== null} disabled={fixed !== null}>
        <legend>Tools (uncheck to approve less)</legend>
        <ul className="tool-list">
          {tools.map((tool) => {
            const [server, name] = tool.name.split('__') as [string, string];
            const rule = (fixed ?? request.spec).servers[server]?.tools[name];
            return (
              <li key={tool.name}>
                <label>
                  <input type="checkbox" checked={checked.has(tool.name)} onChange={() => toggle(tool.name)} /> <code>{tool.name}</code>
                </label>{' '}
                <span className={`risk risk-${tool.risk}`}>{RISK_LABEL[tool.risk]}</span> {tool.alreadyGranted ? <span className="muted">(nothing new)</span> : <strong>(adds to today's access)</strong>}
                {!rule?.args && tool.risk !== 'read' && (
                  <div className="lint">Unconstrained: any arguments, on anything the server can reach.</div>
                )}
                {rule?.args && (
                  <ul>
                    {Object.entries(rule.args).map(([arg, c]) => (
                      <li key={arg}>{constraintText(arg, c)}</li>
                    ))}
                  </ul>
                )}
              </li>
            );
          })}
        </ul>
      </fieldset>
      <dl className="facts limits" aria-label="Limits">
        {envelopeRows(spec.envelope).length === 0 ? (
          <>
            <dt>Limits</dt>
            <dd className="muted">none: no rate, window, cap or use limit</dd>
          </>
        ) : (
          envelopeRows(spec.envelope).map(([label, text]) => (
            <Fragment key={label}>
              <dt>{label}</dt>
              <dd>{text}</dd>
            </Fragment>
          ))
        )}
        {otherLines(spec).map((line) => (
          <Fragment key={line}>
            <dt>Also</dt>
            <dd>{line}</dd>
          </Fragment>
        ))}
      </dl>
      <GrantDiff diff={choice ? { ...item.diff, widenings: choice.widenings, nothingNew: choice.widenings.length === 0 } : item.diff} />
      <div className="row-actions">
        <button
          type="button"
          className="primary"
          disabled={!hasPasskey || checked.size === 0 || approve.isPending || signedAlready}
          onClick={() =>
            // Awaited here, not in mutate's callbacks: the card leaves the inbox (unmounts) once the list refreshes.
            void approve
              .mutateAsync({ requestId: request.id, spec })
              .then((result) =>
                onDone(
                  result.grant
                    ? `Approved ${request.agentId}'s request: grant ${result.grant.id}.`
                    : `Signed ${request.agentId}'s request: ${result.quorum?.signedBy.length ?? 1} of ${result.quorum?.required ?? '?'} approvals. Nothing is granted until another approver signs.`,
                ),
              )
              .catch(() => undefined)
          }
        >
          {approve.isPending ? 'Waiting for passkey…' : item.quorum ? 'Sign with passkey' : `Approve ${checked.size === tools.length ? '' : 'selected '}with passkey`}
          <span className="visually-hidden"> for {request.agentId}</span>
        </button>
        <button type="button" className="danger" onClick={() => setDenying(true)}>
          Deny<span className="visually-hidden"> {request.agentId}</span>
        </button>
      </div>
      {!hasPasskey && <p className="muted">Enroll a passkey below to approve.</p>}
      {signedAlready && <p className="muted">You signed this request; it waits for another approver.</p>}
      {approve.isError && <ErrorNotice error={approve.error} title="Not approved" />}
      {denying && (
        <ConfirmDialog
          title={`Deny ${request.agentId}'s request?`}
          confirmLabel="Deny"
          askReason
          danger
          onClose={() => setDenying(false)}
          onConfirm={async (reason) => {
            await deny.mutateAsync({ requestId: request.id, reason });
            onDone(`Denied ${request.agentId}'s request.`);
          }}
        >
          <p>The agent is told, and backs off before asking again.</p>
        </ConfirmDialog>
      )}
    </article>
  );
}
