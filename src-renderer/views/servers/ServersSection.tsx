import { Fragment, useState } from 'react';
import type { ServerConfig, ServerStatusDto } from '../../../src-shared/mcp-servers.js';
import { ConfirmDialog } from '../../components/ConfirmDialog.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { Time } from '../../components/Time.js';
import { AddServerDialog } from './AddServerDialog.js';
import { ImportFromClients } from './ImportFromClients.js';
import { ServerTools } from './ServerTools.js';
import { useRemoveServer, useRestartServer, useServers } from './use-servers.js';

function target(config: ServerConfig): string {
  return 'url' in config ? config.url : [config.command, ...config.args].join(' ');
}

/** The downstream servers: add, import from the clients on this machine, see tools, restart, remove. */
export function ServersSection() {
  const servers = useServers();
  const restart = useRestartServer();
  const remove = useRemoveServer();
  const [adding, setAdding] = useState(false);
  const [importing, setImporting] = useState(false);
  const [open, setOpen] = useState<string | null>(null);
  const [removing, setRemoving] = useState<ServerStatusDto | null>(null);

  return (
    <>
      <h2>Downstream servers</h2>
      <div className="toolbar">
        <button type="button" className="primary" onClick={() => setAdding(true)}>
          Add a server
        </button>
        <button type="button" aria-expanded={importing} onClick={() => setImporting((v) => !v)}>
          Import from MCP clients on this machine
        </button>
      </div>
      {importing && <ImportFromClients />}
      {servers.isError && <ErrorNotice error={servers.error} title="Could not list servers" />}
      {servers.data && servers.data.length === 0 && <p className="muted">No downstream server yet: add one, or import the servers your MCP clients use.</p>}
      {servers.data && servers.data.length > 0 && (
        <div className="table-scroll">
          <table>
            <caption className="visually-hidden">Downstream MCP servers</caption>
            <thead>
              <tr>
                <th scope="col">Server</th>
                <th scope="col">State</th>
                <th scope="col">Tools</th>
                <th scope="col">Restarts</th>
                <th scope="col">Started</th>
                <th scope="col">Runs</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {servers.data.map((server) => (
                <Fragment key={server.name}>
                  <tr data-server={server.name}>
                    <th scope="row">{server.name}</th>
                    <td>
                      <span className={`server-state server-${server.state}`}>{server.state}</span>
                      {server.lastError && <div className="error-text">{server.lastError}</div>}
                    </td>
                    <td className="number">{server.toolCount ?? '–'}</td>
                    <td className="number">{server.restarts}</td>
                    <td>
                      <Time ms={server.startedAt} compact />
                    </td>
                    <td className="ellipsis">
                      <code title={target(server.config)}>{target(server.config)}</code>
                    </td>
                    <td className="row-actions">
                      <button type="button" aria-expanded={open === server.name} onClick={() => setOpen(open === server.name ? null : server.name)}>
                        Tools<span className="visually-hidden"> of {server.name}</span>
                      </button>
                      <button type="button" disabled={restart.isPending} onClick={() => restart.mutate(server.name)}>
                        Restart<span className="visually-hidden"> {server.name}</span>
                      </button>
                      <button type="button" className="danger" onClick={() => setRemoving(server)}>
                        Remove<span className="visually-hidden"> {server.name}</span>
                      </button>
                    </td>
                  </tr>
                  {open === server.name && (
                    <tr className="detail-row">
                      <td colSpan={7}>
                        <ServerTools name={server.name} />
                      </td>
                    </tr>
                  )}
                </Fragment>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {restart.isError && <ErrorNotice error={restart.error} title="The restart was refused" />}
      {adding && <AddServerDialog onClose={() => setAdding(false)} />}
      {removing && (
        <ConfirmDialog title={`Remove ${removing.name}?`} confirmLabel={`Remove ${removing.name}`} danger onConfirm={() => remove.mutateAsync(removing.name)} onClose={() => setRemoving(null)}>
          <p>
            Charon stops <strong>{removing.name}</strong> {'command' in removing.config ? '(its process is killed)' : ''} and forgets its configuration. Every grant that names it stays as it is but
            allows nothing until a server of that name is added again; agents calling its tools are refused.
          </p>
        </ConfirmDialog>
      )}
    </>
  );
}
