import { useQuery } from '@tanstack/react-query';
import type { GrantVerifyDto } from '../../../src-shared/approvals.js';
import { useOperatorClient } from '../../api/client-context.js';
import { queryKeys } from '../../api/query-keys.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { Time } from '../../components/Time.js';

/** How a grant came to be, in words: a passkey's signature that still verifies is the only "approved". */
function approvalText(v: GrantVerifyDto | undefined): { text: string; passkey: boolean } {
  if (!v) return { text: 'checking…', passkey: false };
  if (v.ok) return { text: 'approved with your passkey', passkey: true };
  if (v.problem === 'no-approval') return { text: 'no passkey: created from the operator channel', passkey: false };
  if (v.problem === 'auto-approved') return { text: 'no passkey: auto-approved by a rule', passkey: false };
  return { text: `passkey approval does not verify (${v.problem ?? 'unknown'})`, passkey: false };
}

/** An identity's grants, each marked with whether the owner's passkey approved it (prod grants without one are not enforced). */
export function IdentityGrants({ agentId }: { agentId: string }) {
  const client = useOperatorClient();
  const grants = useQuery({ queryKey: [...queryKeys.grants, agentId], queryFn: () => client['grants.list']({ agentId }) });
  const verified = useQuery({
    queryKey: [...queryKeys.grants, agentId, 'verify', grants.data?.map((g) => `${g.id}:${g.specHash}`).join(',')],
    enabled: grants.data !== undefined,
    queryFn: async () => new Map((await Promise.all((grants.data ?? []).map((g) => client['grants.verify']({ id: g.id })))).map((v) => [v.grantId, v])),
  });
  const list = grants.data ?? [];
  return (
    <>
      <h3>Access ({list.filter((g) => g.state === 'ACTIVE').length} active grants)</h3>
      {grants.isError && <ErrorNotice error={grants.error} title="Could not list grants" />}
      {list.length === 0 && grants.data && <p className="muted">No grant.</p>}
      {list.length > 0 && (
        <ul className="grant-list" aria-label={`Grants of ${agentId}`}>
          {list.map((g) => {
            const approval = approvalText(verified.data?.get(g.id));
            const tools = Object.entries(g.spec.servers).flatMap(([server, sg]) => Object.keys(sg.tools).map((t) => `${server}__${t}`));
            return (
              <li key={g.id} data-grant={g.id}>
                <code>{g.id}</code> <span className={`state state-${g.state.toLowerCase()}`}>{g.state}</span> {g.spec.environment} ·{' '}
                <span className={approval.passkey ? 'grant-passkey' : 'grant-no-passkey'}>{approval.text}</span>
                <div className="muted">
                  {tools.join(', ') || '(no tools)'} · expires {g.spec.expiresAt === null ? <strong>never</strong> : <Time ms={g.spec.expiresAt} />}
                </div>
              </li>
            );
          })}
        </ul>
      )}
    </>
  );
}
