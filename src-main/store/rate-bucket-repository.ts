import type { RateLimitStore, Transactor } from '../core/ports.js';
import { giveBack, take } from '../core/token-bucket.js';
import type { Db } from './database.js';

/**
 * Rate-limit buckets in the store (migration 13), for gateways that scale out: every replica of a
 * team server takes its tokens from the same row, read and written in one write transaction, so
 * the replicas together admit what the grant's rate allows. The token arithmetic is the same pure
 * code as the in-memory buckets (core/token-bucket.ts).
 */
export function sqliteRateBucketRepository(db: Db, transactor: Transactor): RateLimitStore {
  const get = db.prepare<[string], { level: number; at: number }>('SELECT level, at FROM rate_buckets WHERE key = ?');
  const put = db.prepare('INSERT INTO rate_buckets (key, level, at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET level = excluded.level, at = excluded.at');
  return {
    take: (key, limit, now) =>
      transactor.transact(() => {
        const result = take(get.get(key), limit, now);
        put.run(key, result.state.level, result.state.at);
        return result.ok ? { ok: true as const } : { ok: false as const, retryAfterMs: result.retryAfterMs };
      }),
    giveBack: (key, limit) =>
      transactor.transact(() => {
        const state = get.get(key);
        if (state) put.run(key, giveBack(state, limit).level, state.at);
      }),
  };
}
