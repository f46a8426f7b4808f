import { useId } from 'react';
import { AUDIT_DECISIONS, type AuditDecision } from '../../../src-shared/domain.js';
import { AnySelect } from '../../components/AnySelect.js';
import { SINCE_CHOICES, type FeedFilter, type Since } from './audit-filter.js';

const SINCE_LABEL: Readonly<Record<Since, string>> = { '': 'any time', '15m': 'last 15 minutes', '1h': 'last hour', '1d': 'last day', '7d': 'last 7 days' };

/** Applies as the operator types: filtering happens in the console, over the records it holds. */
export function AuditFeedFilters({ filter, kinds, onChange }: { filter: FeedFilter; kinds: readonly string[]; onChange: (filter: FeedFilter) => void }) {
  const agentId = useId();
  const toolId = useId();
  const sinceId = useId();
  return (
    <form className="filters" role="search" aria-label="Filter audit records" onSubmit={(event) => event.preventDefault()}>
      <div className="field">
        <label htmlFor={agentId}>Agent</label>
        <input id={agentId} type="search" value={filter.agent} maxLength={512} onChange={(e) => onChange({ ...filter, agent: e.target.value })} autoComplete="off" spellCheck={false} />
      </div>
      <div className="field">
        <label htmlFor={toolId}>Tool</label>
        <input id={toolId} type="search" value={filter.tool} maxLength={300} onChange={(e) => onChange({ ...filter, tool: e.target.value })} autoComplete="off" spellCheck={false} />
      </div>
      <div className="field">
        <label htmlFor={sinceId}>When</label>
        <select id={sinceId} value={filter.since} onChange={(e) => onChange({ ...filter, since: e.target.value as Since })}>
          {SINCE_CHOICES.map((s) => (
            <option key={s} value={s}>
              {SINCE_LABEL[s]}
            </option>
          ))}
        </select>
      </div>
      <AnySelect label="Kind" value={filter.kind} options={kinds} onChange={(kind) => onChange({ ...filter, kind })} />
      <AnySelect label="Decision" value={filter.decision} options={AUDIT_DECISIONS} onChange={(decision: AuditDecision | '') => onChange({ ...filter, decision })} />
    </form>
  );
}
