import { useQueries } from '@tanstack/react-query';
import { useOperatorClient } from '../../api/client-context.js';
import { Time } from '../../components/Time.js';
import { approvalKeys } from './use-approvals.js';

const SHOWN = 20;
const DECIDED = ['APPROVED', 'DENIED', 'EXPIRED', 'WITHDRAWN'] as const;

/** The requests already decided, newest first: what was approved (and as which grant), denied and why, or lapsed. */
export function DecidedRequests() {
  const client = useOperatorClient();
  const lists = useQueries({ queries: DECIDED.map((state) => ({ queryKey: [...approvalKeys.approvals, 'decided', state], queryFn: () => client['approvals.list']({ state }) })) });
  const items = lists
    .flatMap((q) => q.data ?? [])
    .sort((a, b) => (b.request.decidedAt ?? b.request.expiresAt) - (a.request.decidedAt ?? a.request.expiresAt))
    .slice(0, SHOWN);
  return (
    <details className="decided">
      <summary>Decided requests</summary>
      {items.length === 0 ? (
        <p className="muted">None yet.</p>
      ) : (
        <table>
          <caption className="visually-hidden">Decided grant requests, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Request</th>
              <th scope="col">Agent</th>
              <th scope="col">Outcome</th>
              <th scope="col">When</th>
            </tr>
          </thead>
          <tbody>
            {items.map(({ request }) => (
              <tr key={request.id} data-request={request.id}>
                <td>
                  <code>{request.id}</code>
                </td>
                <td>{request.agentId}</td>
                <td>
                  {request.state === 'APPROVED' ? `approved as ${request.grantId ?? 'a grant'}` : request.state.toLowerCase()}
                  {request.reason ? `: “${request.reason}”` : ''}
                  {request.decidedBy ? <span className="muted"> by {request.decidedBy}</span> : null}
                </td>
                <td>
                  <Time ms={request.decidedAt ?? request.expiresAt} compact />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </details>
  );
}
