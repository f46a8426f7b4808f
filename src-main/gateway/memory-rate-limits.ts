// Rate-limit buckets in this gateway process's memory: the one gateway of a data dir (the
// desktop app or `charon serve` on SQLite). Replicas of a team server (Postgres) share theirs in
// the store instead (store/rate-bucket-repository.ts), so together they allow the grant's rate.
import type { RateLimitStore } from '../core/ports.js';
import { giveBack, isFull, take, type BucketState, type RateLimit } from '../core/token-bucket.js';

/** Above this many buckets, full ones are forgotten (a full bucket is the same as none). */
const SWEEP_ABOVE = 10_000;

export class MemoryRateLimits implements RateLimitStore {
  readonly #buckets = new Map<string, { state: BucketState; limit: RateLimit }>();
  // Doubles when a sweep frees little, so a map of busy buckets is not rescanned on every call.
  #sweepAbove = SWEEP_ABOVE;

  // Synchronous from read to write: Node runs one call at a time, so two concurrent requests
  // can never both see the last token.
  take(key: string, limit: RateLimit, now: number): { ok: true } | { ok: false; retryAfterMs: number } {
    const result = take(this.#buckets.get(key)?.state, limit, now);
    this.#buckets.set(key, { state: result.state, limit });
    if (this.#buckets.size > this.#sweepAbove) this.#sweep(now);
    return result.ok ? { ok: true } : { ok: false, retryAfterMs: result.retryAfterMs };
  }

  giveBack(key: string, limit: RateLimit): void {
    const bucket = this.#buckets.get(key);
    if (bucket) this.#buckets.set(key, { state: giveBack(bucket.state, limit), limit });
  }

  /** How many buckets are remembered: for tests of the sweep. */
  get size(): number {
    return this.#buckets.size;
  }

  #sweep(now: number): void {
    for (const [key, bucket] of this.#buckets) if (isFull(bucket.state, bucket.limit, now)) this.#buckets.delete(key);
    this.#sweepAbove = Math.max(SWEEP_ABOVE, this.#buckets.size * 2);
  }
}
