import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../test-support/control-plane.js';
import { openSqliteStore, type Store } from './sqlite-store.js';

let store: Store | undefined;
let dir: string | undefined;
afterEach(() => {
  store?.close();
  store = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

function open(): Store {
  dir = tempDir('charon-store-');
  store = openSqliteStore(join(dir, 'charon.db'));
  return store;
}

/** Runs `fn` while the database may not grow by a page (SQLITE_FULL for any write that needs one). */
async function withDiskFull(s: Store, fn: () => Promise<void>): Promise<void> {
  const limit = s.db.pragma('max_page_count', { simple: true }) as number;
  s.db.pragma(`max_page_count = ${s.db.pragma('page_count', { simple: true }) as number}`);
  try {
    await fn();
  } finally {
    s.db.pragma(`max_page_count = ${limit}`);
  }
}

describe('sqliteTransactor', () => {
  it('runs afterCommit callbacks only once the outermost transaction commits', () => {
    const s = open();
    const heard: string[] = [];
    s.transact(() => {
      s.afterCommit(() => heard.push('outer'));
      s.transact(() => s.afterCommit(() => heard.push('inner')));
      expect(heard).toEqual([]);
    });
    expect(heard).toEqual(['outer', 'inner']);
  });

  it('drops the callbacks of a rolled-back transaction', () => {
    const s = open();
    const heard: string[] = [];
    expect(() =>
      s.transact(() => {
        s.afterCommit(() => heard.push('doomed'));
        throw new Error('no');
      }),
    ).toThrow('no');
    s.transact(() => undefined);
    expect(heard).toEqual([]);
  });

  it('refuses phantom notifications: a savepoint that rolls back drops its callbacks while the outer transaction commits', () => {
    const s = open();
    const heard: string[] = [];
    s.transact(() => {
      s.afterCommit(() => heard.push('kept'));
      try {
        s.transact(() => {
          s.afterCommit(() => heard.push('phantom'));
          throw new Error('refused');
        });
      } catch {
        // the caller records the refusal and carries on
      }
      s.afterCommit(() => heard.push('after'));
    });
    expect(heard).toEqual(['kept', 'after']);
  });
});

describe('groupCommit', () => {
  it('commits the work of one tick together and settles each caller after the commit', async () => {
    const s = open();
    const results = await Promise.all([s.groupCommit(() => (s.meta.set('a', '1'), 'one')), s.groupCommit(() => (s.meta.set('b', '2'), 'two'))]);
    expect(results).toEqual(['one', 'two']);
    expect([s.meta.get('a'), s.meta.get('b')]).toEqual(['1', '2']);
  });

  it("refuses smuggling a failed caller's partial writes into the group's commit: its writes roll back, the others' commit", async () => {
    const s = open();
    const outcomes = await Promise.allSettled([
      s.groupCommit(() => s.meta.set('good', 'yes')),
      s.groupCommit(() => {
        s.meta.set('half-done', 'should not exist');
        throw new Error('refused midway');
      }),
      s.groupCommit(() => s.meta.set('also-good', 'yes')),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(s.meta.get('good')).toBe('yes');
    expect(s.meta.get('also-good')).toBe('yes');
    expect(s.meta.get('half-done')).toBeNull();
  });

  it('a caller alone in its tick that fails midway leaves none of its writes and hears its own error', async () => {
    const s = open();
    const refused = new Error('refused midway');
    await expect(
      s.groupCommit(() => {
        s.meta.set('half-done', 'should not exist');
        throw refused;
      }),
    ).rejects.toBe(refused);
    expect(s.meta.get('half-done')).toBeNull();
    expect(s.db.inTransaction).toBe(false);
    await expect(s.groupCommit(() => (s.meta.set('next', 'yes'), 'ok'))).resolves.toBe('ok');
    expect(s.meta.get('next')).toBe('yes');
  });

  it('disk full alone in its tick: ERR_STORE_FULL, nothing written, and the next caller commits', async () => {
    const s = open();
    await withDiskFull(s, async () => {
      await expect(s.groupCommit(() => s.meta.set('big', 'x'.repeat(64 * 1024)))).rejects.toMatchObject({ code: 'ERR_STORE_FULL' });
    });
    expect(s.meta.get('big')).toBeNull();
    await s.groupCommit(() => s.meta.set('after', 'resumed'));
    expect(s.meta.get('after')).toBe('resumed');
  });

  it('disk full mid-group: SQLite rolls the whole transaction back, so every caller fails with ERR_STORE_FULL and nothing commits, not even the callers after it', async () => {
    const s = open();
    await withDiskFull(s, async () => {
      const outcomes = await Promise.allSettled([
        s.groupCommit(() => s.meta.set('before', 'x')),
        // Needs new pages: SQLITE_FULL, and SQLite ends the group's transaction on its own.
        s.groupCommit(() => s.meta.set('big', 'x'.repeat(64 * 1024))),
        // Before the fix this ran in autocommit after the rollback and stayed written while its caller heard "failed".
        s.groupCommit(() => s.meta.set('after', 'x')),
      ]);
      expect(outcomes.map((o) => (o.status === 'rejected' ? (o.reason as { code?: string }).code : 'fulfilled'))).toEqual(['ERR_STORE_FULL', 'ERR_STORE_FULL', 'ERR_STORE_FULL']);
    });
    expect([s.meta.get('before'), s.meta.get('big'), s.meta.get('after')]).toEqual([null, null, null]);
    await s.groupCommit(() => s.meta.set('after', 'resumed'));
    expect(s.meta.get('after')).toBe('resumed');
  });
});
