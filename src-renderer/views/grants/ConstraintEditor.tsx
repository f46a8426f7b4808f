import { useId } from 'react';
import { CONSTRAINT_KINDS, CONSTRAINT_LABEL, type ConstraintDraft } from './grant-form.js';

interface Props {
  readonly tool: string;
  readonly constraint: ConstraintDraft;
  /** The arguments the tool's schema names, offered for the argument path. */
  readonly args: readonly { readonly name: string; readonly type: string | null }[];
  readonly onChange: (next: ConstraintDraft) => void;
  readonly onRemove: () => void;
}

/** One argument constraint, with the input that fits its kind. */
export function ConstraintEditor({ tool, constraint: c, args, onChange, onRemove }: Props) {
  const ids = { arg: useId(), kind: useId(), a: useId(), b: useId(), list: useId() };
  const set = (patch: Partial<ConstraintDraft>) => onChange({ ...c, ...patch });
  return (
    <fieldset className="constraint" aria-label={`Constraint on ${tool}${c.arg ? ` ${c.arg}` : ''}`}>
      <div className="field">
        <label htmlFor={ids.arg}>Argument</label>
        <input
          id={ids.arg}
          list={ids.list}
          value={c.arg}
          required
          spellCheck={false}
          placeholder="path, options.target, paths.*"
          onChange={(e) => set({ arg: e.target.value, type: args.find((a) => a.name === e.target.value)?.type ?? c.type })}
        />
        <datalist id={ids.list}>
          {args.map((a) => (
            <option key={a.name} value={a.name}>
              {a.type ?? ''}
            </option>
          ))}
        </datalist>
      </div>
      <div className="field">
        <label htmlFor={ids.kind}>Must be</label>
        <select id={ids.kind} value={c.kind} onChange={(e) => set({ kind: e.target.value as ConstraintDraft['kind'] })}>
          {CONSTRAINT_KINDS.map((k) => (
            <option key={k} value={k}>
              {CONSTRAINT_LABEL[k]}
            </option>
          ))}
        </select>
      </div>
      {c.kind === 'path' && (
        <div className="field wide">
          <label htmlFor={ids.a}>Folders (absolute), one per line</label>
          <textarea id={ids.a} rows={2} required spellCheck={false} placeholder="/home/me/projects/docs" value={c.roots} onChange={(e) => set({ roots: e.target.value })} />
        </div>
      )}
      {c.kind === 'amount' && (
        <>
          <div className="field">
            <label htmlFor={ids.a}>At least</label>
            <input id={ids.a} inputMode="decimal" placeholder="0" value={c.min} onChange={(e) => set({ min: e.target.value })} />
          </div>
          <div className="field">
            <label htmlFor={ids.b}>At most</label>
            <input id={ids.b} inputMode="decimal" placeholder="100.00" value={c.max} onChange={(e) => set({ max: e.target.value })} />
          </div>
        </>
      )}
      {c.kind === 'oneOf' && (
        <div className="field wide">
          <label htmlFor={ids.a}>Allowed values, one per line</label>
          <textarea id={ids.a} rows={2} required spellCheck={false} value={c.values} onChange={(e) => set({ values: e.target.value })} />
        </div>
      )}
      {c.kind === 'pattern' && (
        <div className="field wide">
          <label htmlFor={ids.a}>Pattern (* matches anything)</label>
          <input id={ids.a} required spellCheck={false} placeholder="feature/*" value={c.pattern} onChange={(e) => set({ pattern: e.target.value })} />
        </div>
      )}
      <button type="button" className="link" onClick={onRemove}>
        Remove constraint
      </button>
    </fieldset>
  );
}
