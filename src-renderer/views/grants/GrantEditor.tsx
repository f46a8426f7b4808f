import { useId, useState, type FormEvent } from 'react';
import { constraintText } from '../../../src-shared/grant-text.js';
import { grantSpecSchema, type GrantDto } from '../../../src-shared/grant.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { Modal } from '../../components/Modal.js';
import { envelopeLines, otherLines } from '../approvals/spec-text.js';
import { useServers } from '../servers/use-servers.js';
import { draftToSpec, emptyDraft, emptyServer, EXPIRY_CHOICES, specToDraft, type ExpiryChoice, type GrantDraft } from './grant-form.js';
import { EnvelopeExtras } from './EnvelopeExtras.js';
import { GrantLint } from './GrantLint.js';
import { ServerGrantEditor } from './ServerGrantEditor.js';
import { useAgents, useCreateGrant, useNarrowGrant } from './use-grants.js';

const EXPIRY_LABEL: Readonly<Record<ExpiryChoice, string>> = { hour: 'in 1 hour', day: 'in 1 day', week: 'in 7 days', month: 'in 30 days', never: 'never (until revoked)', keep: 'as now' };

/** Creates a grant, or narrows one (`narrowing`): what is shown under "Will be enforced" is the spec sent, exactly. */
export function GrantEditor({ narrowing, onClose }: { narrowing?: GrantDto; onClose: () => void }) {
  const [draft, setDraft] = useState<GrantDraft>(() => (narrowing ? specToDraft(narrowing.spec) : emptyDraft()));
  const [adding, setAdding] = useState('');
  const agents = useAgents();
  const servers = useServers();
  const create = useCreateGrant();
  const narrow = useNarrowGrant();
  const ids = { agent: useId(), server: useId(), rate: useId(), burst: useId(), uses: useId(), expiry: useId(), purpose: useId() };
  const mutation = narrowing ? narrow : create;
  const agent = agents.data?.find((a) => a.id === draft.agentId);
  const prod = draft.environment === 'prod';
  // Rendered from the spec itself (parsed as the control plane will), not from the form.
  const parsed = grantSpecSchema.safeParse(draftToSpec(draft, Date.now()));
  const spec = parsed.success ? parsed.data : null;
  const grantsSomething = spec !== null && Object.values(spec.servers).some((s) => Object.keys(s.tools).length + s.resources.length + s.prompts.length > 0);
  const within = narrowing ? new Map(Object.entries(narrowing.spec.servers).map(([server, g]) => [server, new Set(Object.keys(g.tools))])) : null;

  function submit(event: FormEvent) {
    event.preventDefault();
    const next = draftToSpec(draft, Date.now());
    if (narrowing) narrow.mutate({ id: narrowing.id, spec: next }, { onSuccess: onClose });
    else create.mutate(next, { onSuccess: onClose });
  }

  return (
    <Modal title={narrowing ? `Narrow ${narrowing.id}` : 'New grant'} onClose={onClose}>
      <form onSubmit={submit} aria-label={narrowing ? 'Narrow grant' : 'New grant'} className="grant-editor">
        <div className="form-grid">
          <div className="field">
            <label htmlFor={ids.agent}>Agent</label>
            <select
              id={ids.agent}
              required
              disabled={narrowing !== undefined}
              value={draft.agentId}
              onChange={(e) => setDraft((d) => ({ ...d, agentId: e.target.value, environment: agents.data?.find((a) => a.id === e.target.value)?.environment ?? d.environment }))}
            >
              <option value="">Choose an agent…</option>
              {(agents.data ?? [])
                .filter((a) => a.state !== 'REVOKED' && a.state !== 'DECOMMISSIONED')
                .map((a) => (
                  <option key={a.id} value={a.id}>
                    {a.displayName ? `${a.displayName} (${a.id})` : a.id} · {a.environment} · {a.owner}
                  </option>
                ))}
            </select>
          </div>
          {!narrowing && (
            <div className="field">
              <label htmlFor={ids.server}>Add a server</label>
              <select
                id={ids.server}
                value={adding}
                onChange={(e) => {
                  const server = e.target.value;
                  setAdding('');
                  if (server) setDraft((d) => ({ ...d, servers: { ...d.servers, [server]: d.servers[server] ?? emptyServer() } }));
                }}
              >
                <option value="">Choose a server…</option>
                {(servers.data ?? [])
                  .filter((s) => !(s.name in draft.servers))
                  .map((s) => (
                    <option key={s.name} value={s.name}>
                      {s.name}
                    </option>
                  ))}
              </select>
            </div>
          )}
        </div>
        {prod && !narrowing && (
          <p className="notice" role="note">
            {agent?.id ?? 'This agent'} is a prod identity: prod grants exist only with your passkey. Have the agent request the grant; you approve it in Approvals.
          </p>
        )}
        {Object.entries(draft.servers).map(([server, s]) => (
          <ServerGrantEditor
            key={server}
            server={server}
            draft={s}
            {...(within ? { within: within.get(server) ?? new Set<string>() } : {})}
            onChange={(next) => setDraft((d) => ({ ...d, servers: { ...d.servers, [server]: next } }))}
            onRemove={() => setDraft((d) => ({ ...d, servers: Object.fromEntries(Object.entries(d.servers).filter(([name]) => name !== server)) }))}
          />
        ))}
        <fieldset className="envelope">
          <legend>Limits</legend>
          <div className="form-grid">
            <div className="field">
              <label htmlFor={ids.rate}>At most … calls a minute</label>
              <input id={ids.rate} inputMode="numeric" pattern="[0-9]*" placeholder="no limit" value={draft.perMinute} onChange={(e) => setDraft((d) => ({ ...d, perMinute: e.target.value }))} />
            </div>
            <div className="field">
              <label htmlFor={ids.burst}>Burst</label>
              <input id={ids.burst} inputMode="numeric" pattern="[0-9]*" placeholder="same" value={draft.burst} onChange={(e) => setDraft((d) => ({ ...d, burst: e.target.value }))} />
            </div>
            <div className="field">
              <label htmlFor={ids.uses}>At most … calls in all</label>
              <input id={ids.uses} inputMode="numeric" pattern="[0-9]*" placeholder="no limit" value={draft.uses} onChange={(e) => setDraft((d) => ({ ...d, uses: e.target.value }))} />
            </div>
            <div className="field">
              <label htmlFor={ids.expiry}>Expires</label>
              <select id={ids.expiry} value={draft.expiry} onChange={(e) => setDraft((d) => ({ ...d, expiry: e.target.value as ExpiryChoice }))}>
                {EXPIRY_CHOICES.filter((c) => (narrowing ? c !== 'never' || narrowing.spec.expiresAt === null : c !== 'keep')).map((c) => (
                  <option key={c} value={c}>
                    {EXPIRY_LABEL[c]}
                  </option>
                ))}
              </select>
            </div>
          </div>
          <EnvelopeExtras
            draft={draft}
            tools={Object.entries(draft.servers).flatMap(([server, sd]) => Object.keys(sd.tools).map((t) => `${server}__${t}`))}
            onChange={(patch) => setDraft((d) => ({ ...d, ...patch }))}
          />
          <div className="field">
            <label htmlFor={ids.purpose}>Purpose (recorded with the grant)</label>
            <input id={ids.purpose} maxLength={500} value={draft.purpose} onChange={(e) => setDraft((d) => ({ ...d, purpose: e.target.value }))} />
          </div>
        </fieldset>
        <section aria-label="Will be enforced" className="enforced">
          <h3>Will be enforced</h3>
          {!parsed.success && <p className="error-text">Not a valid grant yet: {parsed.error.issues[0]?.path.join('.')} {parsed.error.issues[0]?.message}</p>}
          {spec && (
            <ul>
              {Object.entries(spec.servers).flatMap(([server, g]) =>
                Object.entries(g.tools).map(([tool, rule]) => (
                  <li key={`${server}__${tool}`}>
                    <code>{`${server}__${tool}`}</code>
                    {Object.entries(rule.args ?? {}).length === 0 ? ' with any arguments' : `: ${Object.entries(rule.args ?? {}).map(([arg, c]) => constraintText(arg, c)).join('; ')}`}
                  </li>
                )),
              )}
              {otherLines(spec).map((l) => (
                <li key={l}>{l}</li>
              ))}
              {envelopeLines(spec.envelope).map((l) => (
                <li key={l}>{l}</li>
              ))}
              <li className={spec.expiresAt === null ? 'never' : undefined}>{spec.expiresAt === null ? 'Never expires: it holds until you revoke it' : `Expires ${new Date(spec.expiresAt).toLocaleString()}`}</li>
            </ul>
          )}
          {spec && !grantsSomething && <p className="lint">This grant allows nothing yet: tick a tool, or name a resource or prompt.</p>}
          {spec && grantsSomething && <GrantLint spec={spec} />}
        </section>
        {mutation.isError && <ErrorNotice error={mutation.error} title={narrowing ? 'The grant was not narrowed' : 'The grant was not created'} />}
        <div className="dialog-actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={mutation.isPending || !grantsSomething || !draft.agentId || (prod && !narrowing)}>
            {narrowing ? 'Narrow grant' : 'Create grant'}
          </button>
        </div>
      </form>
    </Modal>
  );
}
