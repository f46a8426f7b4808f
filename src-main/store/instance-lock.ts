// One long-running Charon (`charon serve` or the desktop app) per data directory: rate limits,
// MCP sessions and envelopes held in memory are per process, so a second one would double them.
// The lock is SQLite's own exclusive lock on a file beside the database, held for the process's
// life: the operating system drops it when the process dies (kill -9 included), so no stale
// lock file can block a restart. Short CLI commands do not take it and keep working alongside.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { CharonError } from '../core/errors.js';

export interface InstanceLock {
  release(): void;
}

const LOCK_FILE = 'instance.lock';
const HOLDER_FILE = 'instance.pid';

export function acquireInstanceLock(dataDir: string, what: string): InstanceLock {
  // A first start on a new data directory creates it (owner only), as the store would.
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const db = new Database(join(dataDir, LOCK_FILE), { timeout: 0 });
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE');
  } catch (error) {
    db.close();
    if ((error as { code?: string }).code?.startsWith('SQLITE_BUSY')) {
      const holder = readHolder(dataDir);
      throw new CharonError('ERR_ALREADY_RUNNING', `another Charon (${holder ?? 'charon serve or the desktop app'}) is already running on ${dataDir}: stop it first, or use another --data-dir (CLI commands work alongside it)`);
    }
    throw error;
  }
  // Only for the message a second instance shows; the lock itself is the SQLite one.
  writeFileSync(join(dataDir, HOLDER_FILE), `${what}, pid ${process.pid}, since ${new Date().toISOString()}\n`, { mode: 0o600 });
  let held = true;
  return {
    release() {
      if (!held) return;
      held = false;
      db.exec('ROLLBACK');
      db.close();
    },
  };
}

function readHolder(dataDir: string): string | null {
  try {
    return readFileSync(join(dataDir, HOLDER_FILE), 'utf8').trim() || null;
  } catch {
    return null;
  }
}
