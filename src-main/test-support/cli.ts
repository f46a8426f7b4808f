// Runs the built `charon` command (npm test builds first; run `npm run build` before vitest alone).
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';

export const CHARON_BIN = fileURLToPath(new URL('../../bin/charon.js', import.meta.url));
const BUILT = fileURLToPath(new URL('../../dist/src-main/cli/charon.js', import.meta.url));

export function assertBuilt(): void {
  if (!existsSync(BUILT)) throw new Error('dist/ is missing: run `npm run build` before these tests');
}

export function charon(args: string[], env: NodeJS.ProcessEnv = {}): { status: number; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [CHARON_BIN, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 30_000 });
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

export interface Served {
  readonly child: ChildProcessWithoutNullStreams;
  readonly agentUrl: string;
  /** The remote (TLS) listener's URL, when serve was given --listen. */
  readonly remoteUrl?: string | null;
  readonly bridgeUrl: string | null;
  /** Resolves with the exit code (or signal name). */
  readonly exited: Promise<number | string>;
  /** What it wrote to stderr so far (said when it exits badly). */
  readonly stderr: () => string;
}

/** Starts `charon serve --json-ready` (agent listener on `port`, ephemeral by default) and waits for its ready line. */
export async function startServe(dataDir: string, extra: string[] = [], port = 0): Promise<Served> {
  const child = spawn(process.execPath, [CHARON_BIN, 'serve', '--data-dir', dataDir, '--port', String(port), '--bridge-port', '0', '--json-ready', ...extra]);
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const lines = createInterface({ input: child.stdout });
  const ready = await new Promise<{ agentUrl: string; remoteUrl?: string | null; bridgeUrl: string | null }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not get ready: ${stderr}`)), 15_000);
    lines.once('line', (line) => {
      clearTimeout(timer);
      resolve(JSON.parse(line) as { agentUrl: string; remoteUrl?: string | null; bridgeUrl: string | null });
    });
    child.once('exit', () => reject(new Error(`serve exited early: ${stderr}`)));
  });
  return { child, exited, stderr: () => stderr, ...ready };
}

/** Kills a serve still running (a failed test) and removes its data directory. */
export async function discardServe(served: Served | null, dataDir: string): Promise<void> {
  if (served && served.child.exitCode === null) {
    served.child.kill('SIGKILL');
    await served.exited;
  }
  rmSync(dataDir, { recursive: true, force: true });
}

/** `cli(...)` and `json(...)` bound to a data directory chosen per test. */
export function cliFor(dataDir: () => string): {
  cli: (...args: string[]) => { status: number; stdout: string; stderr: string };
  json: <T>(...args: string[]) => T;
} {
  const cli = (...args: string[]) => charon(['--data-dir', dataDir(), ...args]);
  const json = <T>(...args: string[]): T => {
    const r = cli(...args, '--json');
    if (r.status !== 0) throw new Error(`charon ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
    return JSON.parse(r.stdout) as T;
  };
  return { cli, json };
}
