import { useQuery } from '@tanstack/react-query';
import { useOperatorClient } from '../../api/client-context.js';
import { queryKeys } from '../../api/query-keys.js';

/** Whether the grant carries the owner's passkey signature over exactly it (re-verified, not remembered). */
export function ApprovalCell({ id }: { id: string }) {
  const client = useOperatorClient();
  const verify = useQuery({ queryKey: [...queryKeys.grants, 'verify', id], queryFn: () => client['grants.verify']({ id }), staleTime: 60_000 });
  if (!verify.data) return <span className="muted">…</span>;
  if (verify.data.ok) return <span className="ok-text">passkey ✓</span>;
  if (verify.data.problem === 'auto-approved') return <span className="muted">auto-approved by a rule</span>;
  if (verify.data.problem === 'no-approval') return <span className="muted">made by the operator, no passkey</span>;
  return <span className="error-text" title={verify.data.message}>signature does not verify</span>;
}
