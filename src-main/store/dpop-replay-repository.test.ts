// The DPoP replay store (RFC 9449 §11.1) in SQLite: a spent proof stays spent across a gateway
// restart and across processes, and expired entries can be purged.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../test-support/control-plane.js';
import { openSqliteStore, type Store } from './sqlite-store.js';
import { PURGE_MARGIN_MS } from './dpop-replay-repository.js';

const NOW = Date.UTC(2026, 10, 23, 9, 0, 0);
const JKT = 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs';

const opened: Store[] = [];
let dir: string | undefined;
afterEach(() => {
  for (const s of opened.splice(0)) s.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

function open(path?: string): Store {
  if (!path) {
    dir = tempDir('charon-dpop-');
    path = join(dir, 'charon.db');
  }
  const store = openSqliteStore(path);
  opened.push(store);
  return store;
}

describe('sqliteDpopReplayRepository', () => {
  it('refuses a replayed proof: the second remember of one (jkt, jti) is false', () => {
    const { dpopReplay } = open();
    expect(dpopReplay.remember(JKT, 'jti-1', NOW + 60_000)).toBe(true);
    expect(dpopReplay.remember(JKT, 'jti-1', NOW + 60_000)).toBe(false);
  });

  it('refuses a proof replayed after a gateway restart (a new store on the same file)', () => {
    const first = open();
    const path = first.db.name;
    expect(first.dpopReplay.remember(JKT, 'jti-1', NOW + 60_000)).toBe(true);
    first.close();
    opened.splice(opened.indexOf(first), 1);
    expect(open(path).dpopReplay.remember(JKT, 'jti-1', NOW + 60_000)).toBe(false);
  });

  it('refuses a proof replayed at a second gateway process on the same data', () => {
    const first = open();
    const second = open(first.db.name);
    expect(first.dpopReplay.remember(JKT, 'jti-1', NOW + 60_000)).toBe(true);
    expect(second.dpopReplay.remember(JKT, 'jti-1', NOW + 60_000)).toBe(false);
  });

  it('keeps the jti of one key from spending the same jti of another key', () => {
    const { dpopReplay } = open();
    expect(dpopReplay.remember('thief-jkt', 'jti-1', NOW + 60_000)).toBe(true);
    expect(dpopReplay.remember(JKT, 'jti-1', NOW + 60_000)).toBe(true);
  });

  it('purges only entries whose acceptance window ended more than the margin ago', () => {
    const { dpopReplay } = open();
    dpopReplay.remember(JKT, 'old', NOW - PURGE_MARGIN_MS - 1);
    dpopReplay.remember(JKT, 'ending-at-the-horizon', NOW - PURGE_MARGIN_MS);
    dpopReplay.remember(JKT, 'ended-a-moment-ago', NOW - 1);
    dpopReplay.remember(JKT, 'live', NOW + 60_000);
    expect(dpopReplay.purgeExpired(NOW)).toBe(1);
    expect(dpopReplay.remember(JKT, 'ending-at-the-horizon', NOW - PURGE_MARGIN_MS)).toBe(false);
    expect(dpopReplay.remember(JKT, 'ended-a-moment-ago', NOW - 1)).toBe(false);
    expect(dpopReplay.remember(JKT, 'live', NOW + 60_000)).toBe(false);
    expect(dpopReplay.remember(JKT, 'old', NOW + 60_000)).toBe(true);
  });

  it('refuses a forgotten proof presented after the clock stepped back past the purge horizon (it cannot be told from a replay)', () => {
    const { dpopReplay } = open();
    dpopReplay.remember(JKT, 'spent', NOW + 60_000);
    // The clock was an hour ahead when the purge ran; then it was corrected.
    dpopReplay.purgeExpired(NOW + 3_600_000);
    expect(dpopReplay.remember(JKT, 'spent', NOW + 60_000)).toBe(false);
    expect(dpopReplay.remember(JKT, 'fresh-but-ambiguous', NOW + 60_000)).toBe(false);
    // A later purge with the corrected clock never moves the horizon back.
    dpopReplay.purgeExpired(NOW);
    expect(dpopReplay.remember(JKT, 'fresh-but-ambiguous', NOW + 60_000)).toBe(false);
    expect(dpopReplay.remember(JKT, 'past-the-horizon', NOW + 3_600_000)).toBe(true);
  });

  it('records inside an outer transaction and forgets on its rollback', () => {
    const store = open();
    expect(() =>
      store.transact(() => {
        expect(store.dpopReplay.remember(JKT, 'rolled-back', NOW)).toBe(true);
        throw new Error('request failed later');
      }),
    ).toThrow('request failed later');
    expect(store.dpopReplay.remember(JKT, 'rolled-back', NOW)).toBe(true);
  });
});
