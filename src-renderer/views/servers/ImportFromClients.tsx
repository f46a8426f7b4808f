import { ErrorNotice } from '../../components/ErrorNotice.js';
import { useClientConfigs, useImportServers } from './use-servers.js';

/** The MCP clients configured on this machine, and their servers, ready to run behind the gateway instead. */
export function ImportFromClients() {
  const configs = useClientConfigs(true);
  const importing = useImportServers();
  if (configs.isPending) return <p role="status">Looking for MCP client configs…</p>;
  if (configs.isError) return <ErrorNotice error={configs.error} title="Could not look for client configs" />;
  if (configs.data.length === 0) {
    return <p className="muted">No config of Claude Desktop, Claude Code, Cursor, VS Code or Windsurf was found in your home directory.</p>;
  }
  return (
    <ul className="plain-list" aria-label="MCP client configs on this machine">
      {configs.data.map((file) => {
        const fresh = file.servers.filter((s) => s.configured === null);
        return (
          <li key={file.path} data-client-config={file.client}>
            <strong>{file.client}</strong> <code className="muted">{file.path}</code>
            {file.error && <div className="error-text">{file.error}</div>}
            <ul>
              {file.servers.map((s) => (
                <li key={s.name}>
                  <code>{s.name}</code>{' '}
                  {s.configured === 'same' ? <span className="muted">already behind Charon</span> : s.configured === 'different' ? <span className="muted">a different “{s.name}” is behind Charon: not replaced</span> : <span>new</span>}
                </li>
              ))}
              {file.skipped.map((s) => (
                <li key={s.name} className="muted">
                  {s.name}: cannot be imported, {s.reason}
                </li>
              ))}
            </ul>
            {fresh.length > 0 && (
              <button type="button" disabled={importing.isPending} onClick={() => importing.mutate(file.path)}>
                Import {fresh.length === 1 ? `“${fresh[0]?.name}”` : `${fresh.length} servers`} from {file.client}
              </button>
            )}
          </li>
        );
      })}
      {importing.isError && <ErrorNotice error={importing.error} title="The import was refused" />}
      {importing.isSuccess && (
        <p role="status">
          Imported {importing.data.imported.map((s) => s.name).join(', ') || 'nothing'}
          {importing.data.skipped.length > 0 ? `; skipped ${importing.data.skipped.map((s) => s.name).join(', ')}` : ''}. Now remove them from the client and connect the client to Charon instead, so its calls are authorized.
        </p>
      )}
    </ul>
  );
}
