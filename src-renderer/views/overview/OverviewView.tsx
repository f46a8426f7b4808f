import { ErrorNotice } from '../../components/ErrorNotice.js';
import { ViewHeading } from '../../components/ViewHeading.js';
import { usePendingCount } from '../approvals/ApprovalsView.js';
import { DecisionRate } from './DecisionRate.js';
import { StateCounts } from './StateCounts.js';
import { useStatus } from './use-status.js';

export function OverviewView({ onOpenApprovals }: { onOpenApprovals: () => void }) {
  const status = useStatus();
  const pending = usePendingCount();
  return (
    <section aria-labelledby="view-heading">
      <ViewHeading>Overview</ViewHeading>
      {status.isPending && <p role="status">Loading status…</p>}
      {status.isError && <ErrorNotice error={status.error} title="Could not read the control plane status" />}
      {status.data && (
        <div className="overview">
          <div className="tiles">
            <button type="button" className={`tile ${pending > 0 ? 'tile-attention' : ''}`} onClick={onOpenApprovals}>
              <span className="tile-number" data-testid="overview-pending">
                {pending}
              </span>
              <span>pending approval{pending === 1 ? '' : 's'}</span>
            </button>
            <div className="tile">
              <span className="tile-number">{status.data.counts.ACTIVE}</span>
              <span>active agents</span>
            </div>
            <div className="tile">
              <span className="tile-number">#{status.data.auditHeadSeq.toLocaleString()}</span>
              <span>audit head</span>
            </div>
          </div>
          <DecisionRate />
          <StateCounts counts={status.data.counts} />
          <dl className="facts" aria-label="Control plane">
            <dt>Trust domain</dt>
            <dd>
              <code>{status.data.trustDomain}</code>
            </dd>
            <dt>Agent listener</dt>
            <dd>{status.data.agentUrl ? <code>{status.data.agentUrl}</code> : <span className="muted">not listening</span>}</dd>
            <dt>Audience</dt>
            <dd>
              <code>{status.data.audience}</code>
            </dd>
          </dl>
        </div>
      )}
    </section>
  );
}
