import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { Transactor } from '../core/ports.js';
import { CharonError } from '../core/errors.js';
import { migrations } from './migrations.js';

export type Durability = 'normal' | 'full';

export interface OpenOptions {
  /** 'normal': survives a process crash (WAL, synchronous=NORMAL). 'full': survives power loss too. */
  readonly durability?: Durability;
  readonly readonly?: boolean;
  readonly busyTimeoutMs?: number;
}

export type Db = Database.Database;

export function openDatabase(path: string, options: OpenOptions = {}): Db {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const db = new Database(path, { readonly: options.readonly ?? false });
  db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
  if (!options.readonly) {
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${options.durability === 'full' ? 'FULL' : 'NORMAL'}`);
    db.pragma('foreign_keys = ON');
    migrate(db);
  }
  return db;
}

export function migrate(db: Db): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > migrations.length) {
    throw new CharonError('ERR_INTERNAL', `Database schema v${current} is newer than this build (v${migrations.length}); upgrade Charon.`);
  }
  const apply = db.transaction(() => {
    for (let version = current; version < migrations.length; version++) {
      db.exec(migrations[version] as string);
      db.pragma(`user_version = ${version + 1}`);
    }
  });
  apply.immediate();
}

/** Write transactions take the lock up front (BEGIN IMMEDIATE) so concurrent processes queue instead of deadlocking. */
export function sqliteTransactor(db: Db): Transactor {
  const run = db.transaction((fn: () => unknown) => fn());
  let onCommit: (() => void)[] = [];
  return {
    transact<T>(fn: () => T): T {
      if (db.inTransaction) return fn();
      let result: T;
      try {
        result = run.immediate(fn) as T;
      } catch (error) {
        onCommit = [];
        if (isBusy(error)) throw new CharonError('ERR_STORE_BUSY', 'The database is busy; try again.', { cause: error });
        throw error;
      }
      const callbacks = onCommit;
      onCommit = [];
      for (const callback of callbacks) callback();
      return result;
    },
    afterCommit(fn) {
      if (db.inTransaction) onCommit.push(fn);
      else fn();
    },
  };
}

function isBusy(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && (error as { code: unknown }).code === 'SQLITE_BUSY';
}

/** Cheap check for writes by other connections (another process sharing the data dir). */
export function dataVersionReader(db: Db): () => number {
  const statement = db.prepare('PRAGMA data_version').pluck();
  return () => statement.get() as number;
}
