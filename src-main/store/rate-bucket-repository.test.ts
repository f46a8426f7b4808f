import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../test-support/control-plane.js';
import { openSqliteStore, type Store } from './sqlite-store.js';
import { sqliteRateBucketRepository } from './rate-bucket-repository.js';

const opened: Store[] = [];
afterEach(() => {
  for (const s of opened.splice(0)) s.close();
});

/** Two connections on one database file, as two gateway processes (or replicas) have. */
function twoGateways() {
  const path = `${tempDir('charon-rate-')}/charon.db`;
  const [a, b] = [openSqliteStore(path), openSqliteStore(path)] as [Store, Store];
  opened.push(a, b);
  return [sqliteRateBucketRepository(a.db, a), sqliteRateBucketRepository(b.db, b)] as const;
}

const limit = { perMinute: 60, burst: 3 };
const T = Date.UTC(2026, 11, 4, 12);

describe('rate buckets in the store, shared by gateways', () => {
  it('two gateways draw from one bucket: together they admit the burst, not twice it', () => {
    const [a, b] = twoGateways();
    const outcomes = [a, b, a, b, a, b].map((g) => g.take('rate:g1', limit, T).ok);
    expect(outcomes.filter(Boolean)).toHaveLength(3);
    expect(a.take('rate:g1', limit, T)).toEqual({ ok: false, retryAfterMs: 1000 });
  });

  it('refills with time on either gateway; a token given back is there for the other', () => {
    const [a, b] = twoGateways();
    for (let i = 0; i < 3; i++) expect(a.take('k', limit, T).ok).toBe(true);
    expect(b.take('k', limit, T).ok).toBe(false);
    // One token a second (60 a minute).
    expect(b.take('k', limit, T + 1000).ok).toBe(true);
    expect(a.take('k', limit, T + 1000).ok).toBe(false);
    a.giveBack('k', limit);
    expect(b.take('k', limit, T + 1000).ok).toBe(true);
  });

  it('a gateway whose clock is behind gets no tokens from the past (the bucket never moves back)', () => {
    const [a, b] = twoGateways();
    for (let i = 0; i < 3; i++) expect(a.take('k', limit, T + 60_000).ok).toBe(true);
    expect(b.take('k', limit, T).ok).toBe(false);
    expect(b.take('k', limit, T + 59_000).ok).toBe(false);
  });
});
