// Starts the real headless control plane and waits for its ready line:
// `charon serve --json-ready` prints {"agentUrl": ..., "bridgeUrl": ...} on stdout when listening.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';

export interface ServeReady {
  readonly agentUrl: string;
  readonly bridgeUrl: string;
}

export interface RunningServe {
  readonly ready: ServeReady;
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;

/** `bridgePort`: a fixed port for the console (a restart on the same one), else any free port. */
/** `env`: added to this process's environment (HOME, to point client-config discovery at a test home). */
export async function startServe(root: string, dataDir: string, options: { bridgePort?: number; env?: Record<string, string> } = {}): Promise<RunningServe> {
  const child = spawn(
    process.execPath,
    [join(root, 'bin', 'charon.js'), 'serve', '--data-dir', dataDir, '--port', '0', '--bridge-port', String(options.bridgePort ?? 0), '--json-ready'],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...options.env } },
  );
  // Kept for the error message if startup fails; both pipes are always drained so the child never blocks.
  const log: string[] = [];
  const keep = (line: string) => {
    log.push(line);
    if (log.length > 200) log.shift();
  };
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => chunk.split('\n').forEach(keep));
  const stdout = createInterface({ input: child.stdout as NodeJS.ReadableStream });

  const ready = await new Promise<ServeReady>((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`charon serve was not ready within ${READY_TIMEOUT_MS} ms`)), READY_TIMEOUT_MS);
    function fail(error: Error) {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`${error.message}\n--- charon serve output ---\n${log.join('\n')}`));
    }
    child.once('error', fail);
    child.once('exit', (code, signal) => fail(new Error(`charon serve exited (${signal ?? code}) before it was ready`)));
    stdout.on('line', (line) => {
      const parsed = parseReady(line);
      if (!parsed) return keep(line);
      clearTimeout(timer);
      child.removeAllListeners('exit');
      child.removeAllListeners('error');
      resolve(parsed);
    });
  });
  return { ready, stop: () => stop(child) };
}

function parseReady(line: string): ServeReady | null {
  if (!line.startsWith('{')) return null;
  try {
    const value = JSON.parse(line) as Partial<ServeReady>;
    return typeof value.agentUrl === 'string' && typeof value.bridgeUrl === 'string' ? { agentUrl: value.agentUrl, bridgeUrl: value.bridgeUrl } : null;
  } catch {
    return null;
  }
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}
