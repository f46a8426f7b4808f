import { useMutation, useQuery } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import type { JoinTokenDto } from '../../../src-shared/dto.js';
import { useOperatorClient } from '../../api/client-context.js';
import { queryKeys } from '../../api/query-keys.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { Modal } from '../../components/Modal.js';
import { useStatus } from '../overview/use-status.js';
import { ClientSnippets } from './ClientSnippets.js';
import { httpSnippets, stdioSnippets } from './client-snippets.js';

type How = 'stdio' | 'oauth';

/** Connects an MCP client: an agent for it, a join token, the config to paste; then waits until it attests. */
export function ConnectClientDialog({ onClose }: { onClose: () => void }) {
  const client = useOperatorClient();
  const status = useStatus();
  const agentUrl = status.data?.agentUrl ?? 'http://127.0.0.1:7470';
  const [how, setHow] = useState<How>('stdio');
  const [form, setForm] = useState({ agent: '', owner: '', environment: 'dev' as 'dev' | 'test', newOwner: false });
  /** The token made, and when the agent had last attested before it (a new attestation is the client connecting). */
  const [token, setToken] = useState<(JoinTokenDto & { before: number | null }) | null>(null);
  const ids = { agent: useId(), owner: useId(), env: useId(), owners: useId() };
  const owners = useQuery({ queryKey: queryKeys.owners, queryFn: () => client['owners.list']({}) });
  const identities = useQuery({ queryKey: queryKeys.identityList({}), queryFn: () => client['identities.list']({}) });
  const known = (owners.data ?? []).map((o) => o.id);
  const existing = identities.data?.find((i) => i.id === form.agent.trim());
  const unknownOwner = !existing && form.owner.trim() !== '' && known.length > 0 && !known.includes(form.owner.trim());

  const start = useMutation({
    mutationFn: async () => {
      const agentId = form.agent.trim();
      if (!existing) await client['identities.register']({ id: agentId, owner: form.owner.trim(), environment: form.environment, displayName: `MCP client ${agentId}` });
      const before = existing?.lastAttestedAt ?? null;
      return { ...(await client['joinTokens.create']({ agentId })), before };
    },
    onSuccess: setToken,
  });
  // Waits for the client to use the token: the agent's attestation is pushed as an audit record; a slow poll backs it up.
  const agent = useQuery({
    queryKey: [...queryKeys.identities, 'connect', token?.agentId],
    queryFn: () => client['identities.get']({ id: token?.agentId ?? '' }),
    enabled: token !== null,
    refetchInterval: (q) => (attestedSince(q.state.data?.lastAttestedAt ?? null, token?.before ?? null) ? false : 2000),
  });
  const connected = token !== null && attestedSince(agent.data?.lastAttestedAt ?? null, token.before);

  function submit(event: FormEvent) {
    event.preventDefault();
    start.mutate();
  }

  return (
    <Modal title="Connect a client" onClose={onClose}>
      {!token && (
        <form onSubmit={submit} aria-label="Connect a client">
          <fieldset className="segmented">
            <legend>How the client connects</legend>
            <label>
              <input type="radio" name="how" checked={how === 'stdio'} onChange={() => setHow('stdio')} /> It launches a command (Claude Desktop, most clients)
            </label>
            <label>
              <input type="radio" name="how" checked={how === 'oauth'} onChange={() => setHow('oauth')} /> It speaks OAuth over HTTP
            </label>
          </fieldset>
          {how === 'oauth' ? (
            <>
              <p>Give the client only the URL. When it connects, it opens a browser page; its request for tools then waits in Approvals for your passkey.</p>
              <ClientSnippets snippets={httpSnippets(agentUrl)} label="Configs for OAuth clients" />
            </>
          ) : (
            <>
              <p>The client gets an agent identity of its own: its calls are authorized against that agent’s grants, and nothing else.</p>
              <div className="form-grid">
                <div className="field">
                  <label htmlFor={ids.agent}>Agent id (new or existing)</label>
                  <input id={ids.agent} required pattern="[a-z0-9][a-z0-9._\-]{0,62}" spellCheck={false} autoComplete="off" value={form.agent} onChange={(e) => setForm((f) => ({ ...f, agent: e.target.value }))} placeholder="claude-desktop" />
                </div>
                {!existing && (
                  <>
                    <div className="field">
                      <label htmlFor={ids.owner}>Owner</label>
                      <input id={ids.owner} list={ids.owners} required spellCheck={false} autoComplete="off" value={form.owner} onChange={(e) => setForm((f) => ({ ...f, owner: e.target.value }))} />
                      <datalist id={ids.owners}>
                        {known.map((o) => (
                          <option key={o} value={o} />
                        ))}
                      </datalist>
                    </div>
                    <div className="field">
                      <label htmlFor={ids.env}>Environment</label>
                      <select id={ids.env} value={form.environment} onChange={(e) => setForm((f) => ({ ...f, environment: e.target.value as 'dev' | 'test' }))}>
                        <option value="dev">dev</option>
                        <option value="test">test</option>
                      </select>
                    </div>
                  </>
                )}
              </div>
              {existing && (
                <p className="muted">
                  {existing.id} exists ({existing.state.toLowerCase()}, owner {existing.owner}): a fresh join token is made for it.
                </p>
              )}
              {unknownOwner && (
                <label className="lint">
                  <input type="checkbox" required checked={form.newOwner} onChange={(e) => setForm((f) => ({ ...f, newOwner: e.target.checked }))} /> No owner “{form.owner.trim()}” yet: create this new owner
                </label>
              )}
              {start.isError && <ErrorNotice error={start.error} title="Could not prepare the connection" />}
              <div className="dialog-actions">
                <button type="button" onClick={onClose}>
                  Cancel
                </button>
                <button type="submit" className="primary" disabled={start.isPending}>
                  Make the config
                </button>
              </div>
            </>
          )}
        </form>
      )}
      {token && (
        <>
          <p>
            The config below holds a single-use join token for <strong>{token.agentId}</strong> (it will not be shown again). On first use, <code>charon connect</code> attests as {token.agentId} and keeps
            its own credential.
          </p>
          <ClientSnippets snippets={stdioSnippets(token.agentId, token.token, agentUrl)} label="Configs for this client" />
          <p role="status" className={connected ? 'ok-text' : 'muted'} data-testid="connect-state">
            {connected ? `Connected: ${token.agentId} attested. Grant it tools in Grants, or approve what it asks for in Approvals.` : `Waiting for ${token.agentId} to connect…`}
          </p>
          <div className="dialog-actions">
            <button type="button" className="primary" onClick={onClose}>
              {connected ? 'Done' : 'Close'}
            </button>
          </div>
        </>
      )}
    </Modal>
  );
}

const attestedSince = (last: number | null, before: number | null): boolean => last !== null && (before === null || last > before);
