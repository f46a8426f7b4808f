import { useId } from 'react';
import { AUDIT_DECISIONS, type AuditDecision } from '../../../src-shared/domain.js';
import type { FeedFilter } from './audit-filter.js';

/** Applies as the operator types: filtering happens in the console, over the records it holds. */
export function AuditFeedFilters({ filter, kinds, onChange }: { filter: FeedFilter; kinds: readonly string[]; onChange: (filter: FeedFilter) => void }) {
  const ids = { agent: useId(), kind: useId(), decision: useId() };
  return (
    <form className="filters" role="search" aria-label="Filter audit records" onSubmit={(event) => event.preventDefault()}>
      <div className="field">
        <label htmlFor={ids.agent}>Agent</label>
        <input id={ids.agent} type="search" value={filter.agent} maxLength={512} onChange={(e) => onChange({ ...filter, agent: e.target.value })} autoComplete="off" spellCheck={false} />
      </div>
      <div className="field">
        <label htmlFor={ids.kind}>Kind</label>
        <select id={ids.kind} value={filter.kind} onChange={(e) => onChange({ ...filter, kind: e.target.value })}>
          <option value="">Any</option>
          {kinds.map((kind) => (
            <option key={kind} value={kind}>
              {kind}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={ids.decision}>Decision</label>
        <select id={ids.decision} value={filter.decision} onChange={(e) => onChange({ ...filter, decision: e.target.value as AuditDecision | '' })}>
          <option value="">Any</option>
          {AUDIT_DECISIONS.map((d) => (
            <option key={d} value={d}>
              {d}
            </option>
          ))}
        </select>
      </div>
    </form>
  );
}
