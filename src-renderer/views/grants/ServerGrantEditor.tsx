import { ErrorNotice } from '../../components/ErrorNotice.js';
import { TOOL_RISK_LABEL } from '../servers/ServerTools.js';
import { useServerTools } from '../servers/use-servers.js';
import { ConstraintEditor } from './ConstraintEditor.js';
import { emptyConstraint, type ServerDraft } from './grant-form.js';


interface Props {
  readonly server: string;
  readonly draft: ServerDraft;
  readonly onChange: (next: ServerDraft) => void;
  readonly onRemove: () => void;
  /** Narrowing: only tools already granted may stay ticked. */
  readonly within?: ReadonlySet<string>;
}

/** One server of a grant: its real tools to tick, each with its constraints; resources and prompts. */
export function ServerGrantEditor({ server, draft, onChange, onRemove, within }: Props) {
  const tools = useServerTools(server, true);
  const setTool = (tool: string, constraints: ServerDraft['tools'][string] | null) => {
    const others = Object.entries(draft.tools).filter(([name]) => name !== tool);
    onChange({ ...draft, tools: Object.fromEntries(constraints === null ? others : [...others, [tool, constraints]]) });
  };
  // Tools granted earlier that the server no longer lists still show, so narrowing can drop them.
  const listed = tools.data ?? [];
  const extra = Object.keys(draft.tools).filter((t) => !listed.some((l) => l.name === t));
  return (
    <section className="server-grant" aria-label={`Tools of ${server} to grant`}>
      <h3>
        {server}{' '}
        <button type="button" className="link" onClick={onRemove}>
          remove from grant
        </button>
      </h3>
      {tools.isPending && <p role="status">Asking {server} for its tools…</p>}
      {tools.isError && <ErrorNotice error={tools.error} title={`Could not list the tools of ${server}: type the names below`} />}
      <ul className="tool-list">
        {[...listed, ...extra.map((name) => ({ name, title: null, description: '', risk: 'write' as const, arguments: [] }))]
          .filter((t) => !within || within.has(t.name))
          .map((tool) => {
            const checked = tool.name in draft.tools;
            const constraints = draft.tools[tool.name] ?? [];
            return (
              <li key={tool.name} data-grant-tool={tool.name}>
                <label>
                  <input type="checkbox" checked={checked} onChange={(e) => setTool(tool.name, e.target.checked ? [] : null)} /> <code>{tool.name}</code>{' '}
                  <span className={`risk risk-${tool.risk}`}>{TOOL_RISK_LABEL[tool.risk]}</span>
                </label>
                {tool.description && <div className="muted tool-description">{tool.description}</div>}
                {checked && constraints.length === 0 && tool.risk !== 'read' && (
                  <p className="lint" role="note">
                    Unconstrained: the agent may call <code>{tool.name}</code> with any arguments, on anything {server} can reach. Add a constraint to narrow it.
                  </p>
                )}
                {checked && (
                  <div className="constraints">
                    {constraints.map((c, i) => (
                      <ConstraintEditor
                        key={i}
                        tool={tool.name}
                        constraint={c}
                        args={tool.arguments}
                        onChange={(next) => setTool(tool.name, constraints.map((x, j) => (j === i ? next : x)))}
                        onRemove={() => setTool(tool.name, constraints.filter((_, j) => j !== i))}
                      />
                    ))}
                    <button type="button" onClick={() => setTool(tool.name, [...constraints, emptyConstraint(tool.arguments[0]?.name ?? '', tool.arguments[0]?.type ?? null)])}>
                      Add a constraint<span className="visually-hidden"> on {tool.name}</span>
                    </button>
                  </div>
                )}
              </li>
            );
          })}
      </ul>
      <details>
        <summary>Resources and prompts</summary>
        <div className="field">
          <label>
            Resource URIs the agent may read (globs, one per line)
            <textarea rows={2} spellCheck={false} value={draft.resources} onChange={(e) => onChange({ ...draft, resources: e.target.value })} />
          </label>
        </div>
        <div className="field">
          <label>
            Prompts the agent may get (names, one per line)
            <textarea rows={2} spellCheck={false} value={draft.prompts} onChange={(e) => onChange({ ...draft, prompts: e.target.value })} />
          </label>
        </div>
      </details>
    </section>
  );
}
