import { useId, useState } from 'react';
import type { Snippet } from './client-snippets.js';

/** One snippet per client, one shown at a time, with a copy button. */
export function ClientSnippets({ snippets, label }: { snippets: readonly Snippet[]; label: string }) {
  const [client, setClient] = useState(snippets[0]?.client ?? '');
  const [copied, setCopied] = useState<string | null>(null);
  const id = useId();
  const shown = snippets.find((s) => s.client === client) ?? snippets[0];
  if (!shown) return null;
  return (
    <section className="snippets" aria-label={label}>
      <div className="field">
        <label htmlFor={id}>Your MCP client</label>
        <select id={id} value={shown.client} onChange={(e) => setClient(e.target.value)}>
          {snippets.map((s) => (
            <option key={s.client} value={s.client}>
              {s.client}
            </option>
          ))}
        </select>
      </div>
      <p className="muted">
        Paste into {shown.where}
        {shown.client === 'Claude Code' ? ' and run it' : ''}:
      </p>
      <pre className="snippet" data-client={shown.client}>
        {shown.text}
      </pre>
      <button
        type="button"
        onClick={() =>
          void navigator.clipboard.writeText(shown.text).then(
            () => setCopied(shown.client),
            () => setCopied(null),
          )
        }
      >
        Copy for {shown.client}
      </button>
      <span role="status" className="muted">
        {copied === shown.client ? ' Copied.' : ''}
      </span>
    </section>
  );
}
