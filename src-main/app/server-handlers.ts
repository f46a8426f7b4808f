import type { GatewayAgentSessionsDto } from '../../src-shared/mcp-servers.js';
import type { OperatorHandlers } from '../../src-shared/operator-api.js';
import type { GatewaySession } from '../gateway/sessions.js';
import type { ControlPlane } from './control-plane.js';
import { OPERATOR } from './operator-handlers.js';
import { launchBinding, launchesProcess } from './server-approval.js';

type ServerMethods = 'servers.list' | 'servers.set' | 'servers.setBegin' | 'servers.remove' | 'servers.import' | 'servers.importBegin' | 'gateway.sessions';

/** Operator methods for downstream MCP servers: thin adapters over the DownstreamManager. */
export function serverHandlers(plane: ControlPlane): Pick<OperatorHandlers, ServerMethods> {
  const { downstream } = plane;
  const { passkeys } = plane.approvals;
  return {
    'servers.list': async () => downstream.status(),
    // A server Charon launches as a process needs the owner's passkey over exactly it (app/server-approval.ts).
    'servers.setBegin': async ({ name, config }) => (launchesProcess(config) && passkeys.hasAny() ? passkeys.stepUpBegin('servers.launch', launchBinding([{ name, config }])) : null),
    'servers.set': async ({ name, config, ceremonyId, assertion }) => {
      if (launchesProcess(config)) await passkeys.stepUp('servers.launch', ceremonyId, assertion, OPERATOR, launchBinding([{ name, config }]));
      return downstream.set(name, config, OPERATOR);
    },
    'servers.remove': async ({ name }) => {
      await downstream.remove(name, OPERATOR);
      return { removed: name };
    },
    'servers.importBegin': async ({ path, overwrite }) => {
      const launches = (await downstream.importPlan(path, overwrite)).filter((s) => launchesProcess(s.config));
      return { launches: launches.map((s) => s.name), ceremony: launches.length > 0 && passkeys.hasAny() ? await passkeys.stepUpBegin('servers.launch', launchBinding(launches)) : null };
    },
    'servers.import': async ({ path, overwrite, ceremonyId, assertion }) => {
      // The assertion covers the launched servers as the file says now: a file changed since is refused.
      const launches = (await downstream.importPlan(path, overwrite)).filter((s) => launchesProcess(s.config));
      if (launches.length > 0) await passkeys.stepUp('servers.launch', ceremonyId, assertion, OPERATOR, launchBinding(launches));
      return downstream.importFrom(path, overwrite, OPERATOR);
    },
    'gateway.sessions': async () => connectedAgents(plane.gateway.gateway.sessions.all(), plane.clock.now()),
  };
}

/** A session without an open stream counts as connected this long after its last call. */
const CONNECTED_WINDOW_MS = 2 * 60 * 1000;

/** Open MCP sessions grouped per agent, connected ones first, then most recently active. */
function connectedAgents(sessions: readonly GatewaySession[], now: number): GatewayAgentSessionsDto[] {
  const byAgent = new Map<string, { sessions: number; connected: number; servers: Set<string>; lastUsedAt: number }>();
  for (const session of sessions) {
    const entry = byAgent.get(session.agentId) ?? { sessions: 0, connected: 0, servers: new Set<string>(), lastUsedAt: 0 };
    entry.sessions++;
    if (session.transport.streamOpen || now - session.lastUsedAt < CONNECTED_WINDOW_MS) entry.connected++;
    entry.servers.add(session.scope.kind === 'all' ? '*' : session.scope.server);
    entry.lastUsedAt = Math.max(entry.lastUsedAt, session.lastUsedAt);
    byAgent.set(session.agentId, entry);
  }
  return [...byAgent.entries()]
    .map(([agentId, e]) => ({ agentId, sessions: e.sessions, connected: e.connected, servers: [...e.servers].sort(), lastUsedAt: e.lastUsedAt }))
    .sort((a, b) => Number(b.connected > 0) - Number(a.connected > 0) || b.lastUsedAt - a.lastUsedAt || a.agentId.localeCompare(b.agentId));
}
