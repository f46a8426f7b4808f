import { count } from '../../format.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { useAuditVerify } from './use-audit.js';

/** The verdict on the whole hash chain, first thing on the page; a broken chain is an alarm. */
export function AuditChainStatus() {
  const verify = useAuditVerify();
  const again = (
    <button type="button" onClick={() => void verify.refetch()} disabled={verify.isFetching}>
      {verify.isFetching ? 'Verifying…' : 'Verify again'}
    </button>
  );
  if (verify.isPending) return <p role="status">Verifying the audit chain…</p>;
  if (verify.isError) {
    return (
      <div className="chain-status">
        <ErrorNotice error={verify.error} title="The audit chain could not be verified" />
        {again}
      </div>
    );
  }
  const result = verify.data;
  if (result.ok) {
    return (
      <div className="chain-status chain-ok" role="status" data-testid="audit-chain-status">
        <p>
          <strong>Audit chain verified.</strong> {count(result.records, 'record')}, {count(result.checkpoints, 'signed checkpoint')}
          {result.headSeq !== null && <>, head #{result.headSeq}</>}
          {result.lastCheckpointSeq !== null && <>, last checkpoint at #{result.lastCheckpointSeq}</>}.
        </p>
        {again}
      </div>
    );
  }
  return (
    <div className="chain-status chain-broken" role="alert" data-testid="audit-chain-status">
      <p>
        <strong>AUDIT CHAIN BROKEN.</strong> The log has been tampered with or damaged; do not trust records from the first bad one on.
      </p>
      {result.firstBad && (
        <p>
          First bad record: <strong>#{result.firstBad.seq}</strong> ({result.firstBad.problem}): {result.firstBad.message}
        </p>
      )}
      {again}
    </div>
  );
}
