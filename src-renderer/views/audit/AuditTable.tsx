import type { AuditEventDto } from '../../../src-shared/dto.js';
import { Time } from '../../components/Time.js';

export function AuditTable({ events }: { events: readonly AuditEventDto[] }) {
  if (events.length === 0) return <p className="muted">No audit records match.</p>;
  return (
    <div className="table-scroll">
      <table className="audit">
        <caption>Audit records, newest first</caption>
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">Time</th>
            <th scope="col">Kind</th>
            <th scope="col">Decision</th>
            <th scope="col">Actor</th>
            <th scope="col">Subject</th>
            <th scope="col">Details</th>
          </tr>
        </thead>
        <tbody>
          {events.map((event) => (
            <tr key={event.seq}>
              <th scope="row" className="number">
                {event.seq}
              </th>
              <td>
                <Time ms={event.time} />
              </td>
              <td>
                <code>{event.kind}</code>
              </td>
              <td>
                <span className={`decision decision-${event.decision}`}>{event.decision}</span>
              </td>
              <td>
                <code>{event.actor}</code>
              </td>
              <td>
                <code>{event.subject}</code>
              </td>
              <td>
                <details>
                  <summary>
                    Details<span className="visually-hidden"> of record {event.seq}</span>
                  </summary>
                  <pre>{JSON.stringify(event.details, null, 2)}</pre>
                  <p className="hash">
                    hash <code>{event.hash}</code>
                  </p>
                </details>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
