// Token bucket: holds up to `burst` tokens, refills `perMinute` tokens per minute, each call
// takes one. Pure and deterministic: the state is a level and the instant it was computed for,
// and every answer follows from timestamps alone, so tests move a ManualClock instead of sleeping.
//
// Levels are integers in 1/60 000 of a token. Refilling `perMinute` tokens per 60 000 ms is then
// exactly `perMinute` units per millisecond: no floating-point drift, no rounding that lets a
// long-running bucket admit one call too many.

export interface RateLimit {
  readonly perMinute: number;
  readonly burst: number;
}

export interface BucketState {
  /** Tokens × UNITS_PER_TOKEN. */
  readonly level: number;
  /** The instant `level` is valid for (epoch ms); never moves backwards. */
  readonly at: number;
}

export const UNITS_PER_TOKEN = 60_000;

export type TakeResult = { readonly ok: true; readonly state: BucketState } | { readonly ok: false; readonly state: BucketState; readonly retryAfterMs: number };

function capacity(limit: RateLimit): number {
  // The grant schema bounds both to 1..100 000; anything else is a caller's bug.
  if (!Number.isSafeInteger(limit.perMinute) || !Number.isSafeInteger(limit.burst) || limit.perMinute <= 0 || limit.burst <= 0 || limit.perMinute > 100_000 || limit.burst > 100_000) {
    throw new TypeError(`invalid rate limit: ${JSON.stringify(limit)}`);
  }
  return limit.burst * UNITS_PER_TOKEN;
}

/** A bucket nobody has drawn from yet: full, so the first `burst` calls go through at once. */
export function fullBucket(limit: RateLimit, now: number): BucketState {
  return { level: capacity(limit), at: now };
}

/** The bucket as of `now`. A clock that steps backwards refills nothing and keeps `at`, so it cannot be replayed for tokens. */
export function refill(state: BucketState, limit: RateLimit, now: number): BucketState {
  const max = capacity(limit);
  // A narrower limit applied to a fuller bucket (a delegated envelope) clamps it at once.
  if (now <= state.at) return state.level > max ? { level: max, at: state.at } : state;
  // Clamp the elapsed time first so the product stays far inside 2^53 after months of idleness.
  const elapsed = Math.min(now - state.at, Math.ceil(max / limit.perMinute));
  return { level: Math.min(max, state.level + elapsed * limit.perMinute), at: now };
}

/** Takes one token if there is one. `state` undefined means a bucket not used before. */
export function take(state: BucketState | undefined, limit: RateLimit, now: number): TakeResult {
  const current = state === undefined ? fullBucket(limit, now) : refill(state, limit, now);
  if (current.level >= UNITS_PER_TOKEN) return { ok: true, state: { level: current.level - UNITS_PER_TOKEN, at: current.at } };
  return { ok: false, state: current, retryAfterMs: Math.ceil((UNITS_PER_TOKEN - current.level) / limit.perMinute) };
}

/** Puts back one token taken by `take` for a call that was then not made; never above capacity. */
export function giveBack(state: BucketState, limit: RateLimit): BucketState {
  return { level: Math.min(capacity(limit), state.level + UNITS_PER_TOKEN), at: state.at };
}

/** Whether the bucket has refilled completely by `now`: such a bucket is the same as no bucket and can be forgotten. */
export function isFull(state: BucketState, limit: RateLimit, now: number): boolean {
  return refill(state, limit, now).level >= capacity(limit);
}

/** Whole tokens available at `now`, for messages and tests. */
export function tokensAt(state: BucketState, limit: RateLimit, now: number): number {
  return Math.floor(refill(state, limit, now).level / UNITS_PER_TOKEN);
}
