import type { AuditEventDto } from '../../../src-shared/dto.js';
import { Time } from '../../components/Time.js';
import { VirtualTable } from '../../components/VirtualTable.js';
import { actorLabel, reasonOf } from './audit-filter.js';

export const AUDIT_ROW_HEIGHT = 36;
const COLUMNS = ['#', 'Time', 'Kind', 'Decision', 'Actor', 'Subject', 'Why'] as const;

/** The feed, newest first, windowed: `rows` are indexes into `events`. */
export function AuditTable({ events, rows, selected, firstBad, onSelect }: { events: readonly AuditEventDto[]; rows: readonly number[]; selected: number | null; firstBad: number | null; onSelect: (seq: number) => void }) {
  const at = (index: number) => events[rows[index] ?? -1];
  return (
    <VirtualTable
      label="Audit records, newest first"
      className="audit-table"
      columns={COLUMNS}
      count={rows.length}
      rowHeight={AUDIT_ROW_HEIGHT}
      rowKey={(index) => at(index)?.seq ?? index}
      rowProps={(index) => ({ 'aria-selected': at(index)?.seq === selected, 'data-seq': String(at(index)?.seq ?? ''), className: `vrow ${at(index)?.seq === firstBad ? 'vrow-bad' : ''}` })}
      empty={<span className="muted">No audit records match.</span>}
      renderRow={(index) => {
        const event = at(index);
        if (!event) return null;
        return (
          <>
            <div role="rowheader" className="number">
              <button type="button" className="link" onClick={() => onSelect(event.seq)}>
                {event.seq === firstBad && <span aria-hidden="true">⚠ </span>}
                {event.seq}
                <span className="visually-hidden">{event.seq === firstBad ? ', first record failing verification,' : ''} details</span>
              </button>
            </div>
            <div role="cell">
              <Time ms={event.time} compact />
            </div>
            <div role="cell">
              <code>{event.kind}</code>
            </div>
            <div role="cell">
              <span className={`decision decision-${event.decision}`}>{event.decision}</span>
            </div>
            <div role="cell" className="ellipsis" title={event.actor}>
              {actorLabel(event.actor)}
            </div>
            <div role="cell" className="ellipsis" title={event.subject}>
              <code>{event.subject}</code>
            </div>
            <div role="cell" className="ellipsis why" title={reasonOf(event)}>
              {reasonOf(event)}
            </div>
          </>
        );
      }}
    />
  );
}
