import { readFileSync } from 'node:fs';
import { ControlPlane } from '../app/control-plane.js';
import type { ConfigFile } from '../app/config.js';
import { defaultDataDir } from '../app/data-dir.js';
import { fileMasterKeyProvider } from '../app/master-key.js';
import { toErrorPayload } from '../core/errors.js';
import { intOption, parseCli, type ParsedArgs } from './args.js';
import { consoleOption, remoteOption } from './remote-option.js';
import { agentCommand, joinTokenCommand } from './commands-agents.js';
import { connectCommand } from './commands-connect.js';
import { exportCommand, importCommand } from './commands-store.js';
import { delegationCommand, traceCommand } from './commands-delegation.js';
import { auditCommand, keysCommand } from './commands-keys-audit.js';
import { grantCommand } from './commands-grants.js';
import { requestCommand } from './commands-requests.js';
import { operatorCommand } from './commands-operators.js';
import { tlsCommand } from './commands-tls.js';
import { serverCommand } from './commands-servers.js';
import { ownerCommand, reaperCommand } from './commands-reaper.js';
import { tokenCommand } from './commands-tokens.js';
import { serve } from './serve.js';
import { USAGE } from './usage.js';

/** Runs one CLI invocation; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  let args: ParsedArgs;
  try {
    args = parseCli(argv);
  } catch (error) {
    process.stderr.write(`charon: ${toErrorPayload(error).message}\n\n${USAGE}\n`);
    return 2;
  }
  const [command, sub] = args.positionals;
  if (!command || args.values.help || command === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return command || args.values.help ? 0 : 2;
  }
  const known = ['serve', 'agent', 'join-token', 'token', 'keys', 'audit', 'grant', 'grants', 'server', 'servers', 'connect'];
  known.push('reaper', 'owner');
  known.push('trace', 'delegation');
  known.push('request', 'requests');
  known.push('export', 'import');
  known.push('operator', 'operators', 'tls');
  if (!known.includes(command)) {
    process.stderr.write(`charon: unknown command "${command}"\n\n${USAGE}\n`);
    return 2;
  }

  // The stdio bridge is an agent: it talks to a running Charon over HTTP and never opens the store.
  if (command === 'connect') return connectCommand(args);
  // Offline export verification needs no data directory at all.
  if (command === 'audit' && sub === 'verify' && args.values.file) return run(() => auditCommand(null, sub, args));

  // An import fills a new store before any control plane opens on it (which would make keys of its own).
  if (command === 'import') return run(() => importCommand(args, dataDirOf(args), overridesOf(args), () => open(args, false)));

  let plane: ControlPlane;
  try {
    plane = await open(args, command === 'serve');
  } catch (error) {
    return fail(error);
  }
  try {
    return await run(async () => {
      switch (command) {
        case 'serve':
          return serve(plane, args);
        case 'agent':
          return agentCommand(plane, sub, args);
        case 'join-token':
          return joinTokenCommand(plane, sub, args);
        case 'token':
          return tokenCommand(plane, sub, args);
        case 'keys':
          return keysCommand(plane, sub, args);
        case 'audit':
          return auditCommand(plane, sub, args);
        case 'grant':
        case 'grants':
          return grantCommand(plane, sub, args);
        case 'server':
        case 'servers':
          return serverCommand(plane, sub, args);
        case 'reaper':
          return reaperCommand(plane, sub, args);
        case 'request':
        case 'requests':
          return requestCommand(plane, sub, args);
        case 'owner':
          return ownerCommand(plane, sub, args);
        case 'trace':
          return traceCommand(plane, args);
        case 'delegation':
          return delegationCommand(plane, sub, args);
        case 'export':
          return exportCommand(plane, args);
        case 'operator':
        case 'operators':
          return operatorCommand(plane, sub, args);
        case 'tls':
          return tlsCommand(plane, sub, args);
      }
    });
  } finally {
    if (command !== 'serve') {
      await plane.close().catch(() => undefined);
      // Said on every command, so a forged record is not met with silence.
      const refusal = plane.checkpointer.refusal;
      if (refusal) process.stderr.write(`charon: ERR_AUDIT_UNAUTHENTICATED: ${refusal.message}\n`);
    }
  }
}

async function run(action: () => Promise<unknown>): Promise<number> {
  try {
    const result = await action();
    return result === false ? 1 : 0;
  } catch (error) {
    return fail(error);
  }
}

function fail(error: unknown): number {
  const payload = toErrorPayload(error);
  process.stderr.write(`charon: ${payload.code}: ${payload.message}\n`);
  if (payload.code === 'ERR_INTERNAL') process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  // Bad arguments are usage errors; anything refused or failed is 1.
  return payload.code === 'ERR_INVALID_INPUT' ? 2 : 1;
}

const dataDirOf = (args: ParsedArgs): string => args.values['data-dir'] ?? defaultDataDir();

function overridesOf(args: ParsedArgs): ConfigFile {
  const v = args.values;
  return {
    agentPort: intOption(v.port, 'port'),
    bridgePort: intOption(v['bridge-port'], 'bridge-port'),
    trustDomain: v['trust-domain'],
    store: v.store ?? process.env.CHARON_STORE,
    remote: remoteOption(v),
    console: consoleOption(v),
  };
}

async function open(args: ParsedArgs, longRunning: boolean): Promise<ControlPlane> {
  const v = args.values;
  const passphrase = v['passphrase-file'] ? readFileSync(v['passphrase-file'], 'utf8').trimEnd() : process.env.CHARON_PASSPHRASE;
  return ControlPlane.open({
    dataDir: dataDirOf(args),
    masterKeyProvider: fileMasterKeyProvider({ passphrase }),
    overrides: overridesOf(args),
    // Only the long-running server checkpoints in a worker; a one-shot command keeps SQLite's default.
    walCheckpoints: longRunning ? 'worker' : 'inline',
    ...(longRunning ? { exclusive: 'charon serve' } : {}),
  });
}
