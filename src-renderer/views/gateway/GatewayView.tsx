import { useQuery } from '@tanstack/react-query';
import { useOperatorClient } from '../../api/client-context.js';
import { queryKeys } from '../../api/query-keys.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { Time } from '../../components/Time.js';
import { ViewHeading } from '../../components/ViewHeading.js';
import { useStatus } from '../overview/use-status.js';
import { ServersSection } from '../servers/ServersSection.js';
import { ConnectClientDialog } from '../connect/ConnectClientDialog.js';
import { useState } from 'react';

/** The MCP gateway: downstream servers and their state, agents connected right now. */
export function GatewayView() {
  const client = useOperatorClient();
  const status = useStatus();
  const [connecting, setConnecting] = useState(false);
  // Sessions open and close without an audit record; pushed gateway decisions refresh this, and a slow poll catches closes.
  const sessions = useQuery({ queryKey: [...queryKeys.gateway, 'sessions'], queryFn: () => client['gateway.sessions']({}), refetchInterval: 15_000 });

  return (
    <section aria-labelledby="view-heading">
      <ViewHeading>Gateway</ViewHeading>
      <p>
        Agents connect to{' '}
        {status.data?.agentUrl ? <code>{new URL('/mcp', status.data.agentUrl).href}</code> : <span className="muted">(agent listener not running)</span>} with a standard MCP
        client and see only the tools their grants allow.
      </p>
      <div className="toolbar">
        <button type="button" className="primary" onClick={() => setConnecting(true)}>
          Connect a client
        </button>
      </div>
      {connecting && <ConnectClientDialog onClose={() => setConnecting(false)} />}
      <ServersSection />
      <h2>Connected agents</h2>
      {sessions.isError && <ErrorNotice error={sessions.error} title="Could not list sessions" />}
      {sessions.data && sessions.data.every((a) => a.connected === 0) && <p className="muted">No agent is connected.</p>}
      {sessions.data && sessions.data.length > 0 && (
        <div className="table-scroll">
        <table>
          <caption className="visually-hidden">Agents with open MCP sessions</caption>
          <thead>
            <tr>
              <th scope="col">Agent</th>
              <th scope="col">Sessions</th>
              <th scope="col">Now</th>
              <th scope="col">Endpoint</th>
              <th scope="col">Last call</th>
            </tr>
          </thead>
          <tbody>
            {sessions.data.map((agent) => (
              <tr key={agent.agentId} data-agent={agent.agentId}>
                <th scope="row">{agent.agentId}</th>
                <td className="number">{agent.sessions}</td>
                <td>{agent.connected > 0 ? <span className="state state-active">connected</span> : <span className="muted">idle: no open stream, no call for 2 minutes</span>}</td>
                <td>{agent.servers.map((s) => (s === '*' ? 'all servers (/mcp)' : s)).join(', ')}</td>
                <td>
                  <Time ms={agent.lastUsedAt} compact />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        </div>
      )}
    </section>
  );
}
