import { WEEKDAYS } from '../../../src-shared/grant.js';
import { emptyWindow, type CapDraft, type GrantDraft, type WindowDraft } from './grant-form.js';

/** Time windows and cumulative caps of a grant's envelope, each a row of its own. */
export function EnvelopeExtras({ draft, tools, onChange }: { draft: GrantDraft; tools: readonly string[]; onChange: (patch: Partial<GrantDraft>) => void }) {
  const setWindow = (i: number, patch: Partial<WindowDraft>) => onChange({ windows: draft.windows.map((w, j) => (j === i ? { ...w, ...patch } : w)) });
  const setCap = (i: number, patch: Partial<CapDraft>) => onChange({ caps: draft.caps.map((c, j) => (j === i ? { ...c, ...patch } : c)) });
  return (
    <>
      {draft.windows.map((w, i) => (
        <fieldset key={i} className="constraint" aria-label={`Time window ${i + 1}`}>
          <span>Only on</span>
          {WEEKDAYS.map((day) => (
            <label key={day}>
              <input type="checkbox" checked={w.days.includes(day)} onChange={(e) => setWindow(i, { days: e.target.checked ? [...w.days, day] : w.days.filter((d) => d !== day) })} /> {day}
            </label>
          ))}
          <label>
            from <input type="time" value={w.start} onChange={(e) => setWindow(i, { start: e.target.value })} />
          </label>
          <label>
            to <input type="time" value={w.end} onChange={(e) => setWindow(i, { end: e.target.value })} />
          </label>
          <button type="button" className="link" onClick={() => onChange({ windows: draft.windows.filter((_, j) => j !== i) })}>
            Remove window
          </button>
        </fieldset>
      ))}
      {draft.caps.map((c, i) => (
        <fieldset key={i} className="constraint" aria-label={`Cap ${i + 1}`}>
          <label>
            Sum of argument <input value={c.arg} required spellCheck={false} placeholder="amount" onChange={(e) => setCap(i, { arg: e.target.value })} />
          </label>
          <label>
            of{' '}
            <select value={c.tool} onChange={(e) => setCap(i, { tool: e.target.value })}>
              {tools.map((t) => (
                <option key={t} value={t}>
                  {t}
                </option>
              ))}
            </select>
          </label>
          <label>
            at most <input value={c.max} required inputMode="decimal" placeholder="500.00" onChange={(e) => setCap(i, { max: e.target.value })} />
          </label>
          <label>
            per{' '}
            <select value={c.per} onChange={(e) => setCap(i, { per: e.target.value as CapDraft['per'] })}>
              <option value="hour">hour</option>
              <option value="day">day</option>
              <option value="week">week</option>
            </select>
          </label>
          <button type="button" className="link" onClick={() => onChange({ caps: draft.caps.filter((_, j) => j !== i) })}>
            Remove cap
          </button>
        </fieldset>
      ))}
      <div className="toolbar">
        <button type="button" onClick={() => onChange({ windows: [...draft.windows, emptyWindow()], timeZone: draft.timeZone || Intl.DateTimeFormat().resolvedOptions().timeZone })}>
          Add a time window
        </button>
        <button type="button" disabled={tools.length === 0} onClick={() => onChange({ caps: [...draft.caps, { tool: tools[0] ?? '', arg: 'amount', max: '', per: 'day' }], timeZone: draft.timeZone || Intl.DateTimeFormat().resolvedOptions().timeZone })}>
          Add a cap on a total
        </button>
        {(draft.windows.length > 0 || draft.caps.length > 0) && (
          <label>
            Time zone <input value={draft.timeZone} spellCheck={false} placeholder="Europe/Paris" onChange={(e) => onChange({ timeZone: e.target.value })} />
          </label>
        )}
      </div>
    </>
  );
}
