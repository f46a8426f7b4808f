// The Postgres store through the control plane, on a real server started here: what the owner is
// told of it, what a wrong URL does, and a schema shared by two connections.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isCharonError } from '../../core/errors.js';
import { openTestPlane } from '../../test-support/control-plane.js';
import { startTestPostgres, type TestPostgres } from '../../test-support/postgres.js';
import { openPostgresStore } from './pg-store.js';

let pg: TestPostgres;
beforeAll(async () => {
  pg = await startTestPostgres();
}, 60_000);
afterAll(async () => {
  await pg?.stop();
});

describe('the Postgres store', () => {
  it('Settings names it, without the password in its URL; the SQLite store names its file', async () => {
    const url = pg.database().replace('postgres://charon@', 'postgres://charon:s3cret-pass@');
    const t = await openTestPlane({ store: url });
    try {
      const { store } = await t.plane.handlers['status.get']({});
      expect(store.kind).toBe('postgres');
      expect(store.location).not.toContain('s3cret-pass');
      expect(store.location).toMatch(/^postgres:\/\/charon:\*\*\*@127\.0\.0\.1:\d+\/charon_\d+$/);
    } finally {
      await t.close();
    }
    const local = await openTestPlane({ store: undefined });
    try {
      if (!local.plane.config.store) expect((await local.plane.handlers['status.get']({})).store).toEqual({ kind: 'sqlite', location: `${local.dataDir}/charon.db` });
    } finally {
      await local.close();
    }
  });

  it('a server that does not answer: ERR_STORE_UNAVAILABLE at open, with the URL but not its password', () => {
    let refused: unknown;
    try {
      openPostgresStore(`postgres://charon:hunter2@127.0.0.1:${pg.port + 1}/nowhere`).close();
    } catch (error) {
      refused = error;
    }
    expect(isCharonError(refused, 'ERR_STORE_UNAVAILABLE')).toBe(true);
    expect((refused as Error).message).toContain('127.0.0.1');
    expect((refused as Error).message).not.toContain('hunter2');
  });

  it("a second connection finds the schema as it is and shares the rows; its data version moves with the other's commits, not its own", async () => {
    const url = pg.database();
    const a = openPostgresStore(url);
    const b = openPostgresStore(url);
    const nextTurn = () => new Promise((resolve) => setImmediate(resolve));
    try {
      const [a0, b0] = [a.dataVersion(), b.dataVersion()];
      a.transact(() => a.meta.set('shared', 'yes'));
      expect(b.meta.get('shared')).toBe('yes');
      await nextTurn();
      expect(a.dataVersion()).toBe(a0);
      expect(b.dataVersion()).not.toBe(b0);
    } finally {
      a.close();
      b.close();
    }
  });
});
