import type { GatewayAgentSessionsDto } from '../../src-shared/mcp-servers.js';
import type { OperatorHandlers } from '../../src-shared/operator-api.js';
import type { GatewaySession } from '../gateway/sessions.js';
import type { ControlPlane } from './control-plane.js';
import { OPERATOR } from './operator-handlers.js';

type ServerMethods = 'servers.list' | 'servers.set' | 'servers.remove' | 'servers.import' | 'gateway.sessions';

/** Operator methods for downstream MCP servers: thin adapters over the DownstreamManager. */
export function serverHandlers(plane: ControlPlane): Pick<OperatorHandlers, ServerMethods> {
  const { downstream } = plane;
  return {
    'servers.list': async () => downstream.status(),
    'servers.set': async ({ name, config }) => downstream.set(name, config, OPERATOR),
    'servers.remove': async ({ name }) => {
      await downstream.remove(name, OPERATOR);
      return { removed: name };
    },
    'servers.import': async ({ path, overwrite }) => downstream.importFrom(path, overwrite, OPERATOR),
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
