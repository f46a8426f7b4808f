// A real PostgreSQL server for tests: Debian's `postgresql` package (initdb, postgres), a fresh
// cluster in a temp dir on a free loopback port, started by the test and stopped after it.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from './free-port.js';

export interface TestPostgres {
  /** postgres://… of a fresh database on this server (each call: a new database). */
  database(name?: string): string;
  readonly port: number;
  stop(): Promise<void>;
}

/** The directory holding initdb and postgres: $PG_BIN, pg_config's bindir, or Debian's newest. */
export function postgresBin(): string | null {
  if (process.env.PG_BIN && existsSync(join(process.env.PG_BIN, 'postgres'))) return process.env.PG_BIN;
  const root = '/usr/lib/postgresql';
  if (existsSync(root)) {
    const versions = readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'postgres')));
    const newest = versions.sort((a, b) => Number(b) - Number(a))[0];
    if (newest) return join(root, newest, 'bin');
  }
  return null;
}


/** Postgres refuses to run as root: as root, the cluster belongs to the package's `postgres` user. */
function asServerUser(): { uid: number; gid: number } | null {
  if (process.getuid?.() !== 0) return null;
  const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
  return { uid, gid };
}

export async function startTestPostgres(): Promise<TestPostgres> {
  const bin = postgresBin();
  if (!bin) throw new Error("PostgreSQL is not installed (Debian: apt-get install postgresql); .ci/run installs it");
  const dir = mkdtempSync(join(tmpdir(), 'charon-pg-'));
  const data = join(dir, 'data');
  const user = asServerUser();
  chmodSync(dir, 0o755);
  if (user) chownSync(dir, user.uid, user.gid);
  const options = user ? { uid: user.uid, gid: user.gid } : {};
  execFileSync(join(bin, 'initdb'), ['-D', data, '-U', 'charon', '--auth=trust', '--no-locale', '--encoding=UTF8', '--no-sync'], { ...options, stdio: 'ignore' });
  const port = await freePort();
  // Durability of the server itself is not under test (replicas are killed, not the database): no fsync.
  const server: ChildProcess = spawn(join(bin, 'postgres'), ['-D', data, '-p', String(port), '-h', '127.0.0.1', '-k', dir, '-c', 'fsync=off', '-c', 'max_connections=60'], { ...options, stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  server.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
  const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
  for (let attempt = 0; ; attempt++) {
    try {
      execFileSync(join(bin, 'pg_isready'), ['-h', '127.0.0.1', '-p', String(port), '-U', 'charon'], { stdio: 'ignore' });
      break;
    } catch {
      if (attempt > 200 || server.exitCode !== null) throw new Error(`postgres did not start: ${log}`);
      await sleep(50);
    }
  }
  let n = 0;
  return {
    port,
    database(name = `charon_${++n}`) {
      execFileSync(join(bin, 'createdb'), ['-h', '127.0.0.1', '-p', String(port), '-U', 'charon', name], { stdio: 'ignore' });
      return `postgres://charon@127.0.0.1:${port}/${name}`;
    },
    async stop() {
      server.kill('SIGINT');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * CHARON_TEST_PG=<port of a running test server>: every test plane then gets a fresh database on it
 * (the whole suite on Postgres, to find what a test assumes of SQLite). Unset: null, SQLite.
 */
export function suitePostgresStore(): string | null {
  const port = process.env.CHARON_TEST_PG;
  const bin = postgresBin();
  if (!port || !bin) return null;
  const name = `charon_${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  execFileSync(join(bin, 'createdb'), ['-h', '127.0.0.1', '-p', port, '-U', 'charon', name], { stdio: 'ignore' });
  return `postgres://charon@127.0.0.1:${port}/${name}`;
}
