import { useState } from 'react';
import type { AuditEventDto } from '../../../src-shared/dto.js';
import { Time } from '../../components/Time.js';
import { actorLabel, reasonOf } from './audit-filter.js';

/** A link to this record alone (never the operator secret: only the view and the record). */
const linkTo = (seq: number): string => `${window.location.origin}${window.location.pathname}#view=audit&seq=${seq}`;

export function AuditRecordDetail({ event, onClose }: { event: AuditEventDto; onClose: () => void }) {
  const [copied, setCopied] = useState(false);
  const why = reasonOf(event);
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
          {actorLabel(event.actor)} <code className="muted">{event.actor}</code>
        </dd>
        {why && (
          <>
            <dt>{event.decision === 'deny' ? 'Why refused' : 'Allowed'}</dt>
            <dd>{why}</dd>
          </>
        )}
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
      <div className="row-actions">
        <button type="button" onClick={() => void navigator.clipboard.writeText(linkTo(event.seq)).then(() => setCopied(true), () => setCopied(false))}>
          Copy link to this record
        </button>
        <a href={linkTo(event.seq)} className="muted">
          #{event.seq}
        </a>
        <span role="status" className="muted">
          {copied ? 'Copied.' : ''}
        </span>
        <button type="button" onClick={onClose}>
          Close record
        </button>
      </div>
    </section>
  );
}
