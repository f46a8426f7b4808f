import { useId, useState, type FormEvent } from 'react';
import { parseClientConfig, type ParsedClientConfig } from '../../../src-shared/client-config.js';
import type { ServerConfigInput } from '../../../src-shared/mcp-servers.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { Modal } from '../../components/Modal.js';
import { useSetServers } from './use-servers.js';

type Mode = 'program' | 'url' | 'paste';

/** `KEY=value` (or `Name: value`) lines as a record; blank lines ignored. */
function pairs(text: string, separator: '=' | ':'): Record<string, string> {
  return Object.fromEntries(
    text
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean)
      .map((line) => {
        const at = line.indexOf(separator);
        return at < 0 ? [line, ''] : [line.slice(0, at).trim(), line.slice(at + 1).trim()];
      }),
  );
}

const lines = (text: string): string[] => text.split('\n').map((l) => l.trim()).filter(Boolean);

/** Adds a downstream server: a program Charon runs, a URL, or an `mcpServers` block pasted from a client's config. */
export function AddServerDialog({ onClose }: { onClose: () => void }) {
  const [mode, setMode] = useState<Mode>('program');
  const [form, setForm] = useState({ name: '', command: '', args: '', env: '', cwd: '', url: '', headers: '', block: '' });
  const set = useSetServers();
  const ids = { name: useId(), command: useId(), args: useId(), env: useId(), cwd: useId(), url: useId(), headers: useId(), block: useId(), mode: useId() };
  const field = (key: keyof typeof form) => ({ value: form[key], onChange: (e: { target: { value: string } }) => setForm((f) => ({ ...f, [key]: e.target.value })) });

  let pasted: ParsedClientConfig | null = null;
  let pasteError: string | null = null;
  if (mode === 'paste' && form.block.trim()) {
    try {
      // A bare `"name": {…}` entry or a whole file both work.
      const text = form.block.trim();
      pasted = parseClientConfig(text.startsWith('{') && /"(mcpServers|servers|mcp)"\s*:/.test(text) ? text : `{"mcpServers": ${text.startsWith('{') ? text : `{${text}}`}}`);
    } catch (error) {
      pasteError = error instanceof Error ? error.message : String(error);
    }
  }

  const single = (): { name: string; config: ServerConfigInput } =>
    mode === 'url'
      ? { name: form.name.trim(), config: { url: form.url.trim(), headers: pairs(form.headers, ':') } }
      : { name: form.name.trim(), config: { command: form.command.trim(), args: lines(form.args), env: pairs(form.env, '='), ...(form.cwd.trim() ? { cwd: form.cwd.trim() } : {}) } };

  const toAdd = mode === 'paste' ? (pasted?.servers ?? []) : [single()];
  const launches = toAdd.some((s) => 'command' in s.config);

  function submit(event: FormEvent) {
    event.preventDefault();
    set.mutate(toAdd, { onSuccess: onClose });
  }

  return (
    <Modal title="Add a server" onClose={onClose}>
      <form onSubmit={submit} aria-label="Add a server">
        <fieldset className="segmented">
          <legend id={ids.mode}>What it is</legend>
          {(
            [
              ['program', 'A program (stdio)'],
              ['url', 'A URL (Streamable HTTP)'],
              ['paste', 'Paste an mcpServers block'],
            ] as const
          ).map(([value, label]) => (
            <label key={value}>
              <input type="radio" name="mode" value={value} checked={mode === value} onChange={() => setMode(value)} /> {label}
            </label>
          ))}
        </fieldset>
        {mode !== 'paste' && (
          <div className="field">
            <label htmlFor={ids.name}>Name</label>
            <input id={ids.name} required pattern="[a-z0-9](?:[a-z0-9\-]{0,30}[a-z0-9])?" title="1–32 characters of a–z, 0–9 and “-”" autoComplete="off" spellCheck={false} {...field('name')} />
          </div>
        )}
        {mode === 'program' && (
          <>
            <div className="field">
              <label htmlFor={ids.command}>Command</label>
              <input id={ids.command} required placeholder="npx" autoComplete="off" spellCheck={false} {...field('command')} />
            </div>
            <div className="field">
              <label htmlFor={ids.args}>Arguments, one per line</label>
              <textarea id={ids.args} rows={3} spellCheck={false} placeholder={'-y\n@modelcontextprotocol/server-memory'} {...field('args')} />
            </div>
            <div className="field">
              <label htmlFor={ids.env}>Environment, KEY=value per line</label>
              <textarea id={ids.env} rows={2} spellCheck={false} {...field('env')} />
            </div>
            <div className="field">
              <label htmlFor={ids.cwd}>Working directory (optional)</label>
              <input id={ids.cwd} autoComplete="off" spellCheck={false} {...field('cwd')} />
            </div>
          </>
        )}
        {mode === 'url' && (
          <>
            <div className="field">
              <label htmlFor={ids.url}>URL</label>
              <input id={ids.url} type="url" required placeholder="https://mcp.example.com/mcp" {...field('url')} />
            </div>
            <div className="field">
              <label htmlFor={ids.headers}>Headers, Name: value per line (stored; never shown again or audited)</label>
              <textarea id={ids.headers} rows={2} spellCheck={false} {...field('headers')} />
            </div>
          </>
        )}
        {mode === 'paste' && (
          <>
            <div className="field">
              <label htmlFor={ids.block}>The block from the client’s config file</label>
              <textarea id={ids.block} rows={8} spellCheck={false} placeholder={'{ "mcpServers": { "memory": { "command": "npx", "args": ["-y", "@modelcontextprotocol/server-memory"] } } }'} {...field('block')} />
            </div>
            {pasteError && <p className="error-text">Not a config block: {pasteError}</p>}
            {pasted && (
              <ul aria-label="Servers found" className="plain-list">
                {pasted.servers.map((s) => (
                  <li key={s.name}>
                    <strong>{s.name}</strong> <code>{'url' in s.config ? s.config.url : [s.config.command, ...s.config.args].join(' ')}</code>
                  </li>
                ))}
                {pasted.skipped.map((s) => (
                  <li key={s.name} className="muted">
                    {s.name}: skipped, {s.reason}
                  </li>
                ))}
              </ul>
            )}
          </>
        )}
        {launches && (
          <p className="notice" role="note">
            Charon will run {toAdd.length === 1 ? 'this program' : 'these programs'} as you, with your files and network. Adding {toAdd.length === 1 ? 'it' : 'them'} asks for your passkey over exactly what is shown.
          </p>
        )}
        {set.isError && <ErrorNotice error={set.error} title="The server was not added" />}
        <div className="dialog-actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={set.isPending || toAdd.length === 0}>
            {set.isPending ? 'Adding…' : toAdd.length > 1 ? `Add ${toAdd.length} servers` : 'Add server'}
          </button>
        </div>
      </form>
    </Modal>
  );
}
