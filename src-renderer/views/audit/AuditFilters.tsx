import { useId, useState, type FormEvent } from 'react';
import type { AuditFilter } from './use-audit.js';

export function AuditFilters({ onApply }: { onApply: (filter: AuditFilter) => void }) {
  const [kind, setKind] = useState('');
  const [subject, setSubject] = useState('');
  const ids = { kind: useId(), subject: useId() };

  function submit(event: FormEvent) {
    event.preventDefault();
    onApply({ ...(kind.trim() ? { kind: kind.trim() } : {}), ...(subject.trim() ? { subject: subject.trim() } : {}) });
  }

  return (
    <form className="filters" role="search" aria-label="Filter audit records" onSubmit={submit}>
      <div className="field">
        <label htmlFor={ids.kind}>Kind (exact)</label>
        <input id={ids.kind} value={kind} maxLength={64} onChange={(event) => setKind(event.target.value)} autoComplete="off" spellCheck={false} />
      </div>
      <div className="field">
        <label htmlFor={ids.subject}>Subject (exact)</label>
        <input id={ids.subject} value={subject} maxLength={512} onChange={(event) => setSubject(event.target.value)} autoComplete="off" spellCheck={false} />
      </div>
      <button type="submit">Apply filters</button>
    </form>
  );
}
