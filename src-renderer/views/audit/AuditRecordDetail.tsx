import type { AuditEventDto } from '../../../src-shared/dto.js';
import { Time } from '../../components/Time.js';

export function AuditRecordDetail({ event, onClose }: { event: AuditEventDto; onClose: () => void }) {
  return (
    <section className="detail-panel" aria-label={`Audit record ${event.seq}`}>
      <h2>
        Record #{event.seq} <code>{event.kind}</code>
      </h2>
      <dl className="facts">
        <dt>Time</dt>
        <dd>
          <Time ms={event.time} />
        </dd>
        <dt>Decision</dt>
        <dd>
          <span className={`decision decision-${event.decision}`}>{event.decision}</span>
        </dd>
        <dt>Actor</dt>
        <dd>
          <code>{event.actor}</code>
        </dd>
        <dt>Subject</dt>
        <dd>
          <code>{event.subject}</code>
        </dd>
        <dt>Hash</dt>
        <dd>
          <code className="hash">{event.hash}</code>
        </dd>
        <dt>Previous hash</dt>
        <dd>
          <code className="hash">{event.prevHash}</code>
        </dd>
      </dl>
      <pre>{JSON.stringify(event.details, null, 2)}</pre>
      <button type="button" onClick={onClose}>
        Close record
      </button>
    </section>
  );
}
