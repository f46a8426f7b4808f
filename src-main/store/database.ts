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
  // Every call reads credentials, identities and grants: keep them in memory (32 MB of pages, the
  // default is 2 MB) rather than reading them back with a system call per page.
  db.pragma('cache_size = -32000');
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

/**
 * Write transactions take the lock up front (BEGIN IMMEDIATE) so concurrent processes queue
 * instead of deadlocking. A nested call runs in a SAVEPOINT: if it throws, only its own
 * writes roll back and the caller may still record the refusal.
 */
export function sqliteTransactor(db: Db, onCommitted: () => void = () => undefined): Transactor {
  const run = db.transaction((fn: () => unknown) => fn());
  let onCommit: (() => void)[] = [];
  return {
    transact<T>(fn: () => T): T {
      if (db.inTransaction) {
        // A savepoint that rolls back takes its afterCommit callbacks with it.
        const mark = onCommit.length;
        try {
          return run(fn) as T;
        } catch (error) {
          onCommit.length = mark;
          // Disk full or an I/O error: SQLite rolled back the whole transaction, not just this savepoint.
          if (!db.inTransaction && !(error instanceof TransactionLost)) throw new TransactionLost(error);
          throw error;
        }
      }
      let result: T;
      try {
        result = run.immediate(fn) as T;
      } catch (error) {
        onCommit = [];
        if (isBusy(error)) throw new CharonError('ERR_STORE_BUSY', 'The database is busy; try again.', { cause: error });
        if (isFull(error) && !(error instanceof TransactionLost)) throw new TransactionLost(error);
        throw error;
      }
      onCommitted();
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

/**
 * Group commit: work queued in the same turn of the event loop commits in one transaction
 * (one fsync under synchronous=FULL). Each caller's promise settles after that commit, so
 * nothing is acknowledged before it is durable. One caller's error does not fail the others.
 */
export function groupCommitter(transactor: Transactor): <T>(fn: () => T) => Promise<T> {
  type Item = { fn: () => unknown; resolve: (v: unknown) => void; reject: (e: unknown) => void };
  let queue: Item[] = [];
  const flush = (): void => {
    const items = queue;
    queue = [];
    const outcomes: ({ ok: true; value: unknown } | { ok: false; error: unknown })[] = [];
    try {
      transactor.transact(() => {
        for (const item of items) {
          try {
            // Each caller in its own savepoint: a failing one leaves no partial writes in the group's commit.
            outcomes.push({ ok: true, value: transactor.transact(item.fn) });
          } catch (error) {
            // The transaction is gone: running the rest would commit them one by one, outside the group.
            if (error instanceof TransactionLost) throw error;
            outcomes.push({ ok: false, error });
          }
        }
      });
    } catch (error) {
      for (const item of items) item.reject(error);
      return;
    }
    items.forEach((item, i) => {
      const outcome = outcomes[i];
      if (outcome?.ok) item.resolve(outcome.value);
      else item.reject(outcome?.error);
    });
  };
  return <T>(fn: () => T) =>
    new Promise<T>((resolve, reject) => {
      queue.push({ fn, resolve: resolve as (v: unknown) => void, reject });
      if (queue.length === 1) setImmediate(flush);
    });
}

/**
 * SQLite rolled a whole transaction back on its own (SQLITE_FULL, SQLITE_IOERR...): nothing of it
 * was written. Disk full is said as such (ERR_STORE_FULL); anything else stays an internal error.
 */
class TransactionLost extends CharonError {
  constructor(cause: unknown) {
    super(
      isFull(cause) ? 'ERR_STORE_FULL' : 'ERR_INTERNAL',
      isFull(cause) ? 'The database is full (no space left to write to); nothing was done. Free disk space and try again.' : 'The database failed mid-transaction; nothing was written.',
      { cause },
    );
  }
}

const errorCode = (error: unknown): unknown => (typeof error === 'object' && error !== null && 'code' in error ? (error as { code: unknown }).code : undefined);
/** SQLite's SQLITE_FULL, or Postgres's disk_full (SQLSTATE 53100). */
const isFull = (error: unknown): boolean => ['SQLITE_FULL', '53100'].includes(errorCode(error) as string);
/** SQLite's SQLITE_BUSY, or Postgres's lock_not_available, serialization_failure and deadlock_detected. */
const isBusy = (error: unknown): boolean => ['SQLITE_BUSY', '55P03', '40001', '40P01'].includes(errorCode(error) as string);

/**
 * Cheap check for writes by other connections (another process sharing the data dir). Read at
 * most once per turn of the event loop (one gateway call asks several caches, in several
 * continuations): a commit by another process is then noticed from the next turn on, as if it had
 * come a moment later.
 */
export function dataVersionReader(db: Db): () => number {
  const statement = db.prepare('PRAGMA data_version').pluck();
  return oncePerTurn(() => statement.get() as number);
}

/** `read`, at most once per turn of the event loop (the data version of either store). */
export function oncePerTurn(read: () => number): () => number {
  let current: number | null = null;
  const forget = (): void => {
    current = null;
  };
  return () => {
    if (current === null) {
      current = read();
      setImmediate(forget);
    }
    return current;
  };
}
