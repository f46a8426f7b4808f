import { ENVIRONMENTS } from '../../../src-shared/domain.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { ViewHeading } from '../../components/ViewHeading.js';
import { StateCounts } from './StateCounts.js';
import { useStatus } from './use-status.js';

export function OverviewView() {
  const status = useStatus();
  return (
    <section aria-labelledby="view-heading">
      <ViewHeading>Overview</ViewHeading>
      {status.isPending && <p role="status">Loading status…</p>}
      {status.isError && <ErrorNotice error={status.error} title="Could not read the control plane status" />}
      {status.data && (
        <div className="overview">
          <dl className="facts" aria-label="Control plane">
            <dt>Trust domain</dt>
            <dd>
              <code>{status.data.trustDomain}</code>
            </dd>
            <dt>Issuer</dt>
            <dd>
              <code>{status.data.issuer}</code>
            </dd>
            <dt>Audience</dt>
            <dd>
              <code>{status.data.audience}</code>
            </dd>
            <dt>Agent listener</dt>
            <dd>{status.data.agentUrl ? <code>{status.data.agentUrl}</code> : <span className="muted">not listening</span>}</dd>
            <dt>Audit head</dt>
            <dd>
              record <strong>#{status.data.auditHeadSeq}</strong>
            </dd>
            <dt>Data directory</dt>
            <dd>
              <code>{status.data.dataDir}</code>
            </dd>
            <dt>Credential TTL caps</dt>
            <dd>
              {ENVIRONMENTS.map((env) => `${env} ${status.data.ttlCapsSeconds[env]} s`).join(' · ')}
            </dd>
          </dl>
          <StateCounts counts={status.data.counts} />
        </div>
      )}
    </section>
  );
}
