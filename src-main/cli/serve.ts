import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ControlPlane } from '../app/control-plane.js';
import { startAgentListener } from '../http/agent-listener.js';
import { startOperatorBridge, type OperatorBridge } from '../http/operator-bridge.js';
import { startReaperSchedule } from '../app/reaper-schedule.js';
import type { ParsedArgs } from './args.js';

// The console built by `npm run build` (dist/renderer), served by the bridge when present.
const consoleDir = fileURLToPath(new URL('../../renderer/', import.meta.url));

/** Runs until SIGTERM/SIGINT, then closes listeners and signs a final audit checkpoint. */
export async function serve(plane: ControlPlane, args: ParsedArgs): Promise<void> {
  const agent = await startAgentListener(plane, { port: plane.config.agentPort, host: plane.config.host });
  let bridge: OperatorBridge | null = null;
  if (!args.values['no-bridge']) {
    bridge = await startOperatorBridge({
      handlers: plane.handlers,
      port: plane.config.bridgePort,
      staticDir: existsSync(consoleDir) ? consoleDir : undefined,
      subscribe: (push) => plane.audit.onAppend((record) => push('audit.appended', { headSeq: record.seq })),
    });
  }
  plane.endpoints.agentUrl = agent.url;
  plane.endpoints.bridgeUrl = bridge?.origin;

  const checkpoints = setInterval(() => void plane.checkpointer.checkpoint().catch(logError), plane.config.checkpointIntervalSeconds * 1000);
  const rotation = setInterval(() => void plane.keys.rotateIfDue().catch(logError), 3600 * 1000);
  // Abandoned MCP sessions and spent DPoP proofs are dropped now and then, so memory and the replay table stay bounded.
  const housekeeping = setInterval(() => {
    void plane.gateway.gateway.reapIdle().catch(logError);
    try {
      plane.store.dpopReplay.purgeExpired(plane.clock.now());
    } catch (error) {
      logError(error);
    }
  }, 5 * 60 * 1000);
  const stopReaper = startReaperSchedule(plane, (line) => console.error(line));
  await plane.keys.rotateIfDue();

  if (args.values['json-ready']) {
    process.stdout.write(`${JSON.stringify({ agentUrl: agent.url, bridgeUrl: bridge?.url ?? null, dataDir: plane.config.dataDir, trustDomain: plane.config.trustDomain })}\n`);
  } else {
    process.stdout.write(
      [
        `Charon control plane — trust domain ${plane.config.trustDomain}`,
        `  agent listener   ${agent.url}`,
        `  operator bridge  ${bridge ? bridge.url : '(disabled)'}`,
        `  data directory   ${plane.config.dataDir}`,
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
  clearInterval(checkpoints);
  clearInterval(rotation);
  clearInterval(housekeeping);
  stopReaper();
  await Promise.all([agent.close(), bridge?.close()]);
  await plane.close();
}

function logError(error: unknown): void {
  console.error('charon:', error instanceof Error ? error.message : error);
}
