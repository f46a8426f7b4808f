import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { IdentityDto } from '../../../src-shared/dto.js';
import { useOperatorClient } from '../../api/client-context.js';
import { queryKeys } from '../../api/query-keys.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { Time } from '../../components/Time.js';
import { reasonOf } from '../audit/audit-filter.js';

const RECENT = 20;

/** What one agent has been doing: its recent calls and refusals (and why), its sessions, its delegations, just-in-time consent. */
export function IdentityActivity({ identity }: { identity: IdentityDto }) {
  const client = useOperatorClient();
  const queryClient = useQueryClient();
  // Pushed gateway decisions invalidate the audit keys, so this stays live.
  const calls = useQuery({ queryKey: [...queryKeys.audit, 'actor', identity.spiffeId], queryFn: () => client['audit.list']({ kind: 'gateway.decision', actor: identity.spiffeId, limit: RECENT }) });
  const sessions = useQuery({ queryKey: [...queryKeys.gateway, 'sessions'], queryFn: () => client['gateway.sessions']({}), refetchInterval: 15_000 });
  const delegations = useQuery({ queryKey: [...queryKeys.delegation, 'agent', identity.id], queryFn: () => client['delegation.graph']({ agentId: identity.id }) });
  const jit = useQuery({ queryKey: ['jit'], queryFn: () => client['jit.list']({}) });
  // What the owner just asked for, shown at once (set in the same event as the click) until the answer is in.
  const [asked, setAsked] = useState<boolean | null>(null);
  const setJit = useMutation({
    mutationFn: (enabled: boolean) => client['jit.set']({ agentId: identity.id, enabled }),
    onSuccess: (setting) => queryClient.setQueryData(['jit'], (list: { agentId: string }[] | undefined) => [...(list ?? []).filter((s) => s.agentId !== setting.agentId), setting]),
    onSettled: () => setAsked(null),
  });
  const mine = sessions.data?.find((s) => s.agentId === identity.id);
  const jitOn = asked ?? jit.data?.find((s) => s.agentId === identity.id)?.enabled ?? false;
  const out = (delegations.data?.edges ?? []).filter((e) => e.source === identity.spiffeId);
  const into = (delegations.data?.edges ?? []).filter((e) => e.target === identity.spiffeId);

  return (
    <section aria-label={`Activity of ${identity.id}`}>
      <h3>Recent calls</h3>
      {calls.isError && <ErrorNotice error={calls.error} title="Could not read the audit log" />}
      {calls.data && calls.data.length === 0 && <p className="muted">No call through the gateway yet.</p>}
      {calls.data && calls.data.length > 0 && (
        <table>
          <caption className="visually-hidden">Recent calls of {identity.id}</caption>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Call</th>
              <th scope="col">Decision</th>
              <th scope="col">Why</th>
            </tr>
          </thead>
          <tbody>
            {calls.data.map((r) => {
              const method = (r.details as { method?: unknown }).method;
              return (
                <tr key={r.seq} data-seq={r.seq}>
                  <td>
                    <Time ms={r.time} compact />
                  </td>
                  <td>
                    <code>{r.subject}</code> <span className="muted">{typeof method === 'string' ? method : ''}</span>
                  </td>
                  <td>
                    <span className={`decision decision-${r.decision}`}>{r.decision === 'allow' ? 'allowed' : 'refused'}</span>
                  </td>
                  <td className="why">{reasonOf(r)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <h3>Sessions</h3>
      <p>{mine ? `${mine.sessions} open MCP session${mine.sessions === 1 ? '' : 's'} (${mine.connected > 0 ? 'connected now' : 'idle'}), on ${mine.servers.map((s) => (s === '*' ? '/mcp' : `/mcp/${s}`)).join(', ')}` : 'No open MCP session.'}</p>
      <h3>Delegations</h3>
      <p>
        {into.length === 0 && out.length === 0
          ? 'None.'
          : `${into.length} received (${into.map((e) => e.source.split('/').pop()).join(', ') || 'none'}), ${out.length} given (${out.map((e) => e.target.split('/').pop()).join(', ') || 'none'}).`}
      </p>
      <h3>Just-in-time consent</h3>
      <label>
        <input type="checkbox" checked={jitOn} disabled={jit.isPending} onChange={(e) => {
            setAsked(e.target.checked);
            setJit.mutate(e.target.checked);
          }} /> Hold a call no grant allows and ask me in Approvals
      </label>
      {setJit.isError && <ErrorNotice error={setJit.error} title="Not changed" />}
    </section>
  );
}
