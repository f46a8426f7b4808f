import { useId } from 'react';
import { AUDIT_DECISIONS, type AuditDecision } from '../../../src-shared/domain.js';
import { AnySelect } from '../../components/AnySelect.js';
import type { FeedFilter } from './audit-filter.js';

/** Applies as the operator types: filtering happens in the console, over the records it holds. */
export function AuditFeedFilters({ filter, kinds, onChange }: { filter: FeedFilter; kinds: readonly string[]; onChange: (filter: FeedFilter) => void }) {
  const agentId = useId();
  return (
    <form className="filters" role="search" aria-label="Filter audit records" onSubmit={(event) => event.preventDefault()}>
      <div className="field">
        <label htmlFor={agentId}>Agent</label>
        <input id={agentId} type="search" value={filter.agent} maxLength={512} onChange={(e) => onChange({ ...filter, agent: e.target.value })} autoComplete="off" spellCheck={false} />
      </div>
      <AnySelect label="Kind" value={filter.kind} options={kinds} onChange={(kind) => onChange({ ...filter, kind })} />
      <AnySelect label="Decision" value={filter.decision} options={AUDIT_DECISIONS} onChange={(decision: AuditDecision | '') => onChange({ ...filter, decision })} />
    </form>
  );
}
