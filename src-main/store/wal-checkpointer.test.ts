// WAL checkpoints in a worker thread, on a real SQLite file: commits no longer checkpoint inline
// (only past the backstop), the worker folds the WAL into the database after commits, and
// stopping it gives the committing connection SQLite's default back.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../test-support/control-plane.js';
import { openSqliteStore, type Store } from './sqlite-store.js';
import { BACKSTOP_CHECKPOINT_PAGES, INLINE_CHECKPOINT_PAGES } from './wal-checkpointer.js';

let store: Store | null = null;

afterEach(() => {
  store?.close();
  store = null;
});

const autocheckpoint = (s: Store): number => s.db.pragma('wal_autocheckpoint', { simple: true }) as number;

/** `commits` transactions of one 4 KiB row each: at least one WAL page per commit. */
function write(s: Store, commits: number): void {
  s.db.exec('CREATE TABLE IF NOT EXISTS filler (data BLOB)');
  const insert = s.db.prepare('INSERT INTO filler (data) VALUES (?)');
  for (let i = 0; i < commits; i++) s.transact(() => insert.run(Buffer.alloc(4096, i % 251)));
}

describe('WAL checkpoints in a worker', () => {
  it('commits stop checkpointing inline; the worker checkpoints after them, every frame of the WAL', async () => {
    const path = join(tempDir(), 'charon.db');
    store = openSqliteStore(path, { walCheckpoints: 'worker' });
    const checkpointer = store.walCheckpointer;
    if (!checkpointer) throw new Error('expected a checkpointer');
    await expect.poll(() => checkpointer.running).toBe(true);
    expect(autocheckpoint(store)).toBe(BACKSTOP_CHECKPOINT_PAGES);

    // Past SQLite's inline threshold: inline, the WAL would have been folded back at 1000 pages.
    write(store, INLINE_CHECKPOINT_PAGES * 2);
    const walBytes = statSync(`${path}-wal`).size;
    expect(walBytes).toBeGreaterThan(INLINE_CHECKPOINT_PAGES * 2 * 4096);
    const result = await checkpointer.nextCheckpoint();
    expect(result.ok).toBe(true);
    expect(result.log).toBeGreaterThanOrEqual(INLINE_CHECKPOINT_PAGES * 2);
    expect(result.checkpointed).toBe(result.log);

    // The WAL is reused from its start once checkpointed: writing as much again does not grow it.
    write(store, INLINE_CHECKPOINT_PAGES * 2);
    expect(statSync(`${path}-wal`).size).toBeLessThanOrEqual(walBytes + 4096 * 4);
    expect(await checkpointer.nextCheckpoint()).toMatchObject({ ok: true });
    expect(store.db.prepare('SELECT count(*) FROM filler').pluck().get()).toBe(INLINE_CHECKPOINT_PAGES * 4);
  });

  it('stopping the worker gives the committing connection SQLite default inline checkpoints back', async () => {
    store = openSqliteStore(join(tempDir(), 'charon.db'), { walCheckpoints: 'worker' });
    const checkpointer = store.walCheckpointer;
    if (!checkpointer) throw new Error('expected a checkpointer');
    await expect.poll(() => checkpointer.running).toBe(true);
    await checkpointer.close();
    expect(checkpointer.running).toBe(false);
    expect(autocheckpoint(store)).toBe(INLINE_CHECKPOINT_PAGES);
    expect(await checkpointer.nextCheckpoint()).toMatchObject({ ok: false });
  });

  it('a short-lived process (the default) checkpoints inline and starts no worker', () => {
    store = openSqliteStore(join(tempDir(), 'charon.db'));
    expect(store.walCheckpointer).toBeNull();
    expect(autocheckpoint(store)).toBe(INLINE_CHECKPOINT_PAGES);
  });
});
