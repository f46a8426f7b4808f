import { useMutation } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import type { GrantDto } from '../../../src-shared/grant.js';
import { useOperatorClient } from '../../api/client-context.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';

/** Asks the policy what it would decide for a call, and why, without making it. */
export function TryCall({ grant }: { grant: GrantDto }) {
  const client = useOperatorClient();
  const tools = Object.entries(grant.spec.servers).flatMap(([server, g]) => Object.keys(g.tools).map((t) => `${server}__${t}`));
  const [tool, setTool] = useState(tools[0] ?? '');
  const [args, setArgs] = useState('{}');
  const ids = { tool: useId(), args: useId() };
  const run = useMutation({
    mutationFn: () => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(args);
      } catch {
        throw new Error('The arguments must be a JSON object, e.g. {"path": "/home/me/docs/a.txt"}');
      }
      return client['grants.tryCall']({ agentId: grant.spec.agentId, tool, arguments: parsed as Record<string, unknown> });
    },
  });
  function submit(event: FormEvent) {
    event.preventDefault();
    run.mutate();
  }
  return (
    <form className="try-call" aria-label="Try a call" onSubmit={submit}>
      <h3>Try a call</h3>
      <p className="muted">What the gateway would decide for {grant.spec.agentId} now, and why. Nothing is called, recorded or spent.</p>
      <div className="form-grid">
        <div className="field">
          <label htmlFor={ids.tool}>Tool</label>
          <input id={ids.tool} list={`${ids.tool}-list`} value={tool} spellCheck={false} onChange={(e) => setTool(e.target.value)} />
          <datalist id={`${ids.tool}-list`}>
            {tools.map((t) => (
              <option key={t} value={t} />
            ))}
          </datalist>
        </div>
        <div className="field wide">
          <label htmlFor={ids.args}>Arguments (JSON)</label>
          <textarea id={ids.args} rows={2} spellCheck={false} value={args} onChange={(e) => setArgs(e.target.value)} />
        </div>
      </div>
      <button type="submit" disabled={run.isPending}>
        Decide
      </button>
      {run.isError && <ErrorNotice error={run.error} title="Could not decide" />}
      {run.data && (
        <p role="status" className={run.data.allow ? 'ok-text' : 'error-text'} data-testid="try-call-result">
          {run.data.message}
        </p>
      )}
    </form>
  );
}
