import { count } from '../../format.js';
import { useState } from 'react';
import type { ReaperActionDto, ReaperRunDto } from '../../../src-shared/reaper.js';
import { ConfirmDialog } from '../../components/ConfirmDialog.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { Time } from '../../components/Time.js';
import { toggled } from '../../components/toggled.js';
import { ViewHeading } from '../../components/ViewHeading.js';
import { effectText } from './effect-text.js';
import { useReaperPreview, useReaperRun } from './use-reaper.js';

type Applying = { kind: 'selected'; ids: string[] } | { kind: 'all' } | null;

/** What the reaper would do now, each action with its reason and evidence; apply all or a selection. */
export function ReaperView() {
  const preview = useReaperPreview();
  const run = useReaperRun();
  const [chosen, setChosen] = useState<ReadonlySet<string>>(new Set());
  const [applying, setApplying] = useState<Applying>(null);
  const [result, setResult] = useState<ReaperRunDto | null>(null);
  const actions = preview.data?.actions ?? [];
  const selected = actions.filter((a) => chosen.has(a.id)).map((a) => a.id);
  const toggle = (id: string) => setChosen((prev) => toggled(prev, id));

  return (
    <section aria-labelledby="view-heading">
      <ViewHeading>Reaper</ViewHeading>
      <p className="muted">A dry run: nothing changes until you apply. Proposals (drift narrowing) are applied only when selected.</p>
      <div className="row-actions">
        <button type="button" onClick={() => void preview.refetch()} disabled={preview.isFetching}>
          {preview.isFetching ? 'Previewing…' : 'Preview again'}
        </button>
        <button type="button" className="primary" disabled={selected.length === 0} onClick={() => setApplying({ kind: 'selected', ids: selected })}>
          Apply selected ({selected.length})
        </button>
        <button type="button" className="danger" disabled={actions.every((a) => a.proposal)} onClick={() => setApplying({ kind: 'all' })}>
          Apply all (except proposals)
        </button>
      </div>
      <p role="status" className="announcement">
        {result ? `Applied ${count(result.applied.length, 'action')}${result.notFound.length ? `; ${result.notFound.length} no longer due` : ''}.` : ''}
      </p>
      {preview.isPending && <p role="status">Previewing…</p>}
      {preview.isError && <ErrorNotice error={preview.error} title="Could not preview the reaper" />}
      {preview.data && (
        <>
          <p className="muted">
            As of <Time ms={preview.data.now} />: {count(actions.length, 'action')}.
          </p>
          {actions.length === 0 ? (
            <p>Nothing to reap.</p>
          ) : (
            <ul className="reaper-list" aria-label="Reaper actions">
              {actions.map((action) => (
                <ReaperItem key={action.id} action={action} checked={chosen.has(action.id)} onToggle={() => toggle(action.id)} />
              ))}
            </ul>
          )}
        </>
      )}
      {applying && (
        <ConfirmDialog
          title={applying.kind === 'all' ? 'Apply every action?' : `Apply ${count(applying.ids.length, 'selected action')}?`}
          confirmLabel="Apply"
          danger
          onClose={() => setApplying(null)}
          onConfirm={async () => {
            const done = await run.mutateAsync(applying.kind === 'all' ? {} : { actionIds: applying.ids });
            setResult(done);
            setChosen(new Set());
          }}
        >
          <p>{applying.kind === 'all' ? 'Every action below except proposals:' : 'These actions:'}</p>
          <ul aria-label="Actions to apply">
            {actions
              .filter((a) => (applying.kind === 'all' ? !a.proposal : applying.ids.includes(a.id)))
              .map((a) => (
                <li key={a.id}>
                  {effectText(a.effect)} <span className="muted">({a.reason})</span>
                </li>
              ))}
          </ul>
          <p>Revocations and decommissions are final. Each applied action is recorded in the audit chain.</p>
        </ConfirmDialog>
      )}
    </section>
  );
}

function ReaperItem({ action, checked, onToggle }: { action: ReaperActionDto; checked: boolean; onToggle: () => void }) {
  const id = `reaper-${action.id}`;
  return (
    <li className="reaper-item" aria-labelledby={id}>
      <label className="reaper-head">
        <input type="checkbox" checked={checked} onChange={onToggle} />
        <span className={`reap-kind reap-${action.kind}`}>{action.kind}</span>
        <strong id={id}>{effectText(action.effect)}</strong>
        {action.proposal && <span className="muted"> (proposal)</span>}
      </label>
      <p>
        <span className="muted">Why:</span> {action.reason} <span className="muted">· rule</span> <code>{action.rule}</code>
      </p>
      {Object.keys(action.evidence).length > 0 && (
        <details>
          <summary>
            Evidence<span className="visually-hidden"> for {action.subject}</span>
          </summary>
          <dl className="facts">
            {Object.entries(action.evidence).map(([key, value]) => (
              <div key={key} className="fact">
                <dt>{key}</dt>
                <dd>{key.endsWith('At') && typeof value === 'number' ? <Time ms={value} /> : <code>{typeof value === 'string' ? value : JSON.stringify(value)}</code>}</dd>
              </div>
            ))}
          </dl>
        </details>
      )}
    </li>
  );
}
