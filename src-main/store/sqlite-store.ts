import { dataVersionReader, openDatabase, sqliteTransactor, type OpenOptions } from './database.js';
import { assembleStore, type Store } from './store.js';
import { startWalCheckpointer } from './wal-checkpointer.js';

export type { Store } from './store.js';

export interface StoreOptions extends OpenOptions {
  /**
   * 'worker' for a long-running process (the desktop app, `charon serve`): checkpoints run in a
   * worker thread instead of inside a commit. Short-lived processes (the CLI) keep 'inline'.
   */
  readonly walCheckpoints?: 'inline' | 'worker';
}

export function openSqliteStore(path: string, options: StoreOptions = {}): Store {
  const db = openDatabase(path, options);
  const walCheckpointer = options.walCheckpoints === 'worker' && path !== ':memory:' && !options.readonly ? startWalCheckpointer(db, path) : null;
  const transactor = sqliteTransactor(db, walCheckpointer ? () => walCheckpointer.noteCommit() : undefined);
  return assembleStore({
    kind: 'sqlite',
    db,
    transactor,
    walCheckpointer,
    dataVersion: dataVersionReader(db),
    close: () => {
      // The worker's connection goes first; the last connection to close folds the WAL back in.
      void walCheckpointer?.close();
      db.close();
    },
  });
}
