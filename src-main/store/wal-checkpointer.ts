import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Db } from './database.js';

/** SQLite's default: the committing connection checkpoints once the WAL holds this many pages. */
export const INLINE_CHECKPOINT_PAGES = 1000;
/** While the worker checkpoints, a commit only steps in past this (a stalled worker, a reader pinning the WAL). */
export const BACKSTOP_CHECKPOINT_PAGES = 16_000;
/** Commits within this window share one checkpoint request. */
const AFTER_COMMIT_MS = 50;

// The worker's whole body: its own connection, a PASSIVE checkpoint on request (it never waits
// for, nor blocks, the readers and the writer of the main thread). Evaluated as a script, so the
// same code runs from the TypeScript sources, the compiled CLI and the Electron bundle.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.sqliteModule);
const db = new Database(workerData.path, { fileMustExist: true });
parentPort.on('message', (message) => {
  if (message === 'close') {
    // Asked, not terminated: a thread torn down inside a native SQLite call can abort the process.
    db.close();
    parentPort.close();
    return;
  }
  try {
    const row = db.pragma('wal_checkpoint(PASSIVE)')[0];
    parentPort.postMessage({ ok: true, log: row.log, checkpointed: row.checkpointed });
  } catch (error) {
    parentPort.postMessage({ ok: false, message: String(error && error.message || error) });
  }
});
`;

export interface WalCheckpointResult {
  readonly ok: boolean;
  /** WAL frames, and how many of them are now in the database file (SQLite's wal_checkpoint columns). */
  readonly log?: number;
  readonly checkpointed?: number;
  readonly message?: string;
}

export interface WalCheckpointer {
  /** A commit happened: a checkpoint is requested shortly after (one for a burst of commits). */
  noteCommit(): void;
  /** Resolves with the outcome of the next checkpoint the worker runs (tests and status). */
  nextCheckpoint(): Promise<WalCheckpointResult>;
  /** Whether the worker is running (otherwise commits checkpoint inline, as SQLite does by default). */
  readonly running: boolean;
  /** Stops the worker once it is idle (the caller's connection checkpoints inline again); resolves when it has ended. */
  close(): Promise<void>;
}

/**
 * Moves WAL checkpoints off the thread that commits. Inline, SQLite checkpoints inside the commit
 * that crosses 1000 pages: with one audit record per MCP call that is every ~120 calls, and the
 * call waits several milliseconds for it (the gateway's p99). Here a worker thread checkpoints
 * after commits instead, and the inline threshold is raised to a backstop. Should the worker fail
 * to start or die, the inline default comes back, so the WAL never grows without bound.
 */
export function startWalCheckpointer(db: Db, path: string): WalCheckpointer {
  const sqliteModule = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { path, sqliteModule } });
  worker.unref();
  let running = false;
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let inFlight = false;
  let again = false;
  let waiters: ((result: WalCheckpointResult) => void)[] = [];
  let closing: Promise<void> | null = null;
  const inline = (): void => {
    running = false;
    stopped = true;
    if (timer) clearTimeout(timer);
    timer = null;
    if (db.open) db.pragma(`wal_autocheckpoint = ${INLINE_CHECKPOINT_PAGES}`);
    for (const resolve of waiters) resolve({ ok: false, message: 'The checkpoint worker is not running' });
    waiters = [];
  };
  const request = (): void => {
    timer = null;
    if (!running) return;
    if (inFlight) {
      again = true;
      return;
    }
    inFlight = true;
    worker.postMessage('checkpoint');
  };
  worker.once('online', () => {
    if (stopped) return;
    running = true;
    if (db.open) db.pragma(`wal_autocheckpoint = ${BACKSTOP_CHECKPOINT_PAGES}`);
    if (waiters.length > 0) request();
  });
  worker.on('message', (result: WalCheckpointResult) => {
    inFlight = false;
    const settled = waiters;
    waiters = [];
    for (const resolve of settled) resolve(result);
    if (again) {
      again = false;
      request();
    }
  });
  worker.once('error', inline);
  worker.once('exit', inline);
  return {
    get running() {
      return running;
    },
    noteCommit() {
      if (!running || timer) return;
      timer = setTimeout(request, AFTER_COMMIT_MS);
      timer.unref();
    },
    nextCheckpoint() {
      if (stopped) return Promise.resolve({ ok: false, message: 'The checkpoint worker is not running' });
      return new Promise((resolve) => {
        waiters.push(resolve);
        if (running && !timer && !inFlight) request();
      });
    },
    close() {
      if (closing) return closing;
      worker.removeAllListeners('exit');
      worker.removeAllListeners('error');
      inline();
      // The worker finishes a checkpoint in progress, closes its connection and ends on its own.
      const exited = new Promise<void>((resolve) => {
        worker.once('exit', () => resolve());
        worker.once('error', () => resolve());
      });
      // Unreferenced while it runs (it must not keep a process alive), but waited for now: without
      // a reference the event loop would look empty and Node would exit before the worker ends.
      worker.ref();
      worker.postMessage('close');
      closing = exited;
      return exited;
    },
  };
}
