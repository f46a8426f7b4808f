import { count } from '../format.js';
import { useAuditVerify } from '../views/audit/use-audit.js';

/**
 * The audit chain's state in the top bar, on every view; a broken chain is impossible to miss.
 * `stale`: the control plane is out of reach, so "verified" is only what was last known.
 */
export function ChainBadge({ onOpen, stale = false }: { onOpen: () => void; stale?: boolean }) {
  const verify = useAuditVerify();
  const result = verify.data;
  if (!result) return <span className="chain-badge muted">Audit chain: {verify.isError ? 'not verified' : 'verifying…'}</span>;
  if (!result.ok) {
    return (
      <button type="button" className="chain-badge chain-badge-broken" onClick={onOpen} data-testid="chain-badge">
        AUDIT CHAIN BROKEN{result.firstBad ? ` at #${result.firstBad.seq}` : ''}
      </button>
    );
  }
  return (
    <button type="button" className={`chain-badge ${stale ? 'chain-badge-stale' : 'chain-badge-ok'}`} onClick={onOpen} data-testid="chain-badge">
      {stale ? 'Chain last verified (not live)' : 'Chain verified'} · {count(result.records, 'record')} · last checkpoint {result.lastCheckpointSeq === null ? 'none yet' : `#${result.lastCheckpointSeq}`}
    </button>
  );
}
