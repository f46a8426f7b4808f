import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ControlPlane } from '../app/control-plane.js';
import { startAgentListener } from '../http/agent-listener.js';
import { startOperatorBridge, type OperatorBridge } from '../http/operator-bridge.js';
import { startTeamConsole } from '../http/team-console-listener.js';
import { teamConsole } from '../app/team-console.js';
import { startHousekeeping } from '../app/housekeeping.js';
import { subscribeOperatorEvents } from '../app/operator-events.js';
import type { ParsedArgs } from './args.js';

// The console built by `npm run build` (dist/renderer), served by the bridge when present.
const consoleDir = fileURLToPath(new URL('../../renderer/', import.meta.url));

/** Runs until SIGTERM/SIGINT, then closes listeners and signs a final audit checkpoint. */
export async function serve(plane: ControlPlane, args: ParsedArgs): Promise<void> {
  const agent = await startAgentListener(plane, { port: plane.config.agentPort, host: plane.config.host });
  // Team mode: the same routes for agents on other hosts, over TLS, answering only to the configured names.
  const remote = plane.config.remote;
  const remoteAgent = remote
    ? await startAgentListener(plane, { port: remote.port, host: remote.address, names: remote.names, tls: { cert: readFileSync(remote.certFile), key: readFileSync(remote.keyFile) } })
    : null;
  // Team mode: the console for operators who sign in with their passkeys, over TLS, by its one name.
  const consoleConfig = plane.config.console;
  const remoteConsole = consoleConfig
    ? await startTeamConsole({
        console: teamConsole(plane, consoleConfig.name, consoleConfig.port),
        address: consoleConfig.address,
        port: consoleConfig.port,
        name: consoleConfig.name,
        tls: { cert: readFileSync(consoleConfig.certFile), key: readFileSync(consoleConfig.keyFile) },
        staticDir: existsSync(consoleDir) ? consoleDir : undefined,
        subscribe: (sink) => subscribeOperatorEvents(plane.auditFeed, sink),
      })
    : null;
  let bridge: OperatorBridge | null = null;
  if (!args.values['no-bridge']) {
    bridge = await startOperatorBridge({
      handlers: plane.handlers,
      port: plane.config.bridgePort,
      staticDir: existsSync(consoleDir) ? consoleDir : undefined,
      subscribe: (sink) => subscribeOperatorEvents(plane.auditFeed, sink),
    });
  }
  plane.endpoints.agentUrl = agent.url;
  plane.endpoints.bridgeUrl = bridge?.origin;

  const stopHousekeeping = startHousekeeping(plane, (line) => console.error(line));
  await plane.keys.rotateIfDue();

  if (args.values['json-ready']) {
    process.stdout.write(`${JSON.stringify({ agentUrl: agent.url, remoteUrl: remoteAgent?.url ?? null, consoleUrl: remoteConsole?.url ?? null, bridgeUrl: bridge?.url ?? null, dataDir: plane.config.dataDir, trustDomain: plane.config.trustDomain })}\n`);
  } else {
    process.stdout.write(
      [
        `Charon control plane — trust domain ${plane.config.trustDomain}`,
        `  agent listener   ${agent.url}`,
        ...(remoteAgent ? [`  remote agents    ${remoteAgent.url} (TLS)`] : []),
        ...(remoteConsole ? [`  team console     ${remoteConsole.url} (TLS; operators sign in with passkeys)`] : []),
        `  operator bridge  ${bridge ? bridge.url : '(disabled)'}`,
        `  data directory   ${plane.config.dataDir}`,
        `  store            ${plane.store.kind === 'postgres' ? `Postgres ${plane.store.db.name} (shared with every replica)` : plane.store.db.name}`,
        'Press Ctrl+C to stop.',
        '',
      ].join('\n'),
    );
  }

  // Repeated signals while shutting down are ignored: the first one starts a clean stop.
  await new Promise<void>((resolve) => {
    process.on('SIGTERM', () => resolve());
    process.on('SIGINT', () => resolve());
  });
  stopHousekeeping();
  await Promise.all([agent.close(), remoteAgent?.close(), remoteConsole?.close(), bridge?.close()]);
  await plane.close();
}
