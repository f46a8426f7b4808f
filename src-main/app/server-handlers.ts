import { stat } from 'node:fs/promises';
import type { ClientConfigDto, GatewayAgentSessionsDto, ServerToolDto } from '../../src-shared/mcp-servers.js';
import type { OperatorHandlers } from '../../src-shared/operator-api.js';
import { toolRisk } from '../approvals/risk.js';
import type { PasskeyService } from '../approvals/passkeys.js';
import { canonicalJson } from '../core/canonical-json.js';
import type { Clock } from '../core/clock.js';
import type { DownstreamManager } from '../gateway/downstream/downstream-manager.js';
import { readClientConfig } from '../gateway/downstream/import-file.js';
import type { GatewaySession } from '../gateway/sessions.js';
import { clientConfigLocations, type ClientConfigLocation } from './client-configs.js';
import { launchBinding, launchesProcess } from './server-approval.js';
import { LOCAL_OPERATOR, type OperatorContext } from './operator-context.js';

type ServerMethods = 'servers.list' | 'servers.set' | 'servers.setBegin' | 'servers.remove' | 'servers.import' | 'servers.importBegin' | 'servers.tools' | 'servers.restart' | 'servers.discover' | 'gateway.sessions';

/** What the server methods use of the control plane. */
export interface ServerHandlerDeps {
  readonly downstream: DownstreamManager;
  readonly approvals: { readonly passkeys: PasskeyService };
  readonly gateway: { readonly gateway: { readonly sessions: { all(): readonly GatewaySession[] } } };
  readonly clock: Clock;
  /** Where MCP clients keep their configs (tests point it elsewhere). */
  readonly clientConfigs?: () => ClientConfigLocation[];
}

/** Operator methods for downstream MCP servers: thin adapters over the DownstreamManager. */
export function serverHandlers(plane: ServerHandlerDeps, who: OperatorContext = LOCAL_OPERATOR): Pick<OperatorHandlers, ServerMethods> {
  const { downstream } = plane;
  const { passkeys } = plane.approvals;
  return {
    'servers.list': async () => downstream.status(),
    // A server Charon launches as a process needs the owner's passkey over exactly it (app/server-approval.ts).
    'servers.setBegin': async ({ name, config }) => (launchesProcess(config) && passkeys.hasAny(who.signer) ? passkeys.stepUpBegin('servers.launch', launchBinding([{ name, config }]), who.signer) : null),
    'servers.set': async ({ name, config, ceremonyId, assertion }) => {
      if (launchesProcess(config)) await passkeys.stepUp('servers.launch', ceremonyId, assertion, who.actor, launchBinding([{ name, config }]), who.signer);
      return downstream.set(name, config, who.actor);
    },
    'servers.remove': async ({ name }) => {
      await downstream.remove(name, who.actor);
      return { removed: name };
    },
    'servers.importBegin': async ({ path, overwrite }) => {
      const launches = (await downstream.importPlan(path, overwrite)).filter((s) => launchesProcess(s.config));
      return { launches: launches.map((s) => s.name), ceremony: launches.length > 0 && passkeys.hasAny(who.signer) ? await passkeys.stepUpBegin('servers.launch', launchBinding(launches), who.signer) : null };
    },
    'servers.import': async ({ path, overwrite, ceremonyId, assertion }) => {
      // The assertion covers the launched servers as the file says now: a file changed since is refused.
      const launches = (await downstream.importPlan(path, overwrite)).filter((s) => launchesProcess(s.config));
      if (launches.length > 0) await passkeys.stepUp('servers.launch', ceremonyId, assertion, who.actor, launchBinding(launches), who.signer);
      return downstream.importFrom(path, overwrite, who.actor);
    },
    'servers.tools': async ({ name }) => (await downstream.listTools(name)).map(toolOf),
    // The config stays the one approved when it was set: restarting launches nothing new.
    'servers.restart': async ({ name }) => downstream.restart(name, who.actor),
    'servers.discover': async () => discoverClientConfigs(downstream, (plane.clientConfigs ?? clientConfigLocations)()),
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

/** A tool as the owner reads it: its risk from its name, raised (never lowered) by a destructive hint. */
function toolOf(tool: Awaited<ReturnType<DownstreamManager['listTools']>>[number]): ServerToolDto {
  const byName = toolRisk(tool.name, undefined);
  const schema = tool.inputSchema as { properties?: Record<string, { type?: unknown }>; required?: unknown };
  const required = new Set(Array.isArray(schema.required) ? schema.required.filter((r): r is string => typeof r === 'string') : []);
  return {
    name: tool.name,
    title: tool.title ?? tool.annotations?.title ?? null,
    description: tool.description ?? '',
    risk: tool.annotations?.destructiveHint === true && byName !== 'transact' ? 'transact' : byName,
    arguments: Object.entries(schema.properties ?? {}).map(([arg, spec]) => ({ name: arg, type: typeof spec?.type === 'string' ? spec.type : null, required: required.has(arg) })),
  };
}

/** The client config files that exist here, each with its servers and whether Charon has them already. */
async function discoverClientConfigs(downstream: DownstreamManager, locations: readonly ClientConfigLocation[]): Promise<ClientConfigDto[]> {
  const current = new Map(downstream.status().map((s) => [s.name, canonicalJson(s.config)]));
  const found: ClientConfigDto[] = [];
  for (const { client, path } of locations) {
    const exists = await stat(path).then((s) => s.isFile(), () => false);
    if (!exists) continue;
    try {
      const parsed = await readClientConfig(path);
      found.push({
        client,
        path,
        servers: parsed.servers.map(({ name, config }) => ({ name, config, configured: !current.has(name) ? null : current.get(name) === canonicalJson(config) ? 'same' : 'different' })),
        skipped: parsed.skipped,
        error: null,
      });
    } catch (error) {
      // settings.json without an MCP section is common: not worth showing.
      if (path.endsWith('settings.json')) continue;
      found.push({ client, path, servers: [], skipped: [], error: error instanceof Error ? error.message : String(error) });
    }
  }
  return found;
}
