import { CLOCK_TOLERANCE_SECONDS, type VerifiedSvid } from './jwt-svid-verify.js';
import type { JoseKey } from './signing-key.js';

const TOLERANCE_MS = CLOCK_TOLERANCE_SECONDS * 1000;

/**
 * Remembers tokens whose signature and claims were verified, keyed by the exact token text and
 * audience, so a token presented on every call is not re-verified cryptographically each time.
 * A hit is only returned while the signing key is still in the bundle and `now` is inside the
 * token's validity window; anything else falls back to full verification, which gives the
 * precise error. Revocation and identity state are never cached (the caller checks them).
 */
export class VerifiedTokenCache {
  /**
   * Keyed by the token text alone, its audience checked on each hit: a string built from both
   * would be a new string per call, hashed over its whole length every time, where the token a
   * caller presents again keeps its hash.
   */
  readonly #entries = new Map<string, VerifiedSvid>();
  /**
   * Tokens in insertion order, oldest at `#head`, so the oldest is evicted in constant time. (The
   * Map's own oldest key is a walk over every deleted slot before it: thousands on a full cache.)
   */
  readonly #order: (string | undefined)[];
  #head = 0;
  #tail = 0;
  readonly #max: number;

  constructor(max = 10_000) {
    this.#max = max;
    this.#order = new Array<string | undefined>(max);
  }

  get(token: string, audience: string, now: number, keyFor: (kid: string) => JoseKey | null): VerifiedSvid | null {
    const hit = this.#entries.get(token);
    if (!hit || hit.audience !== audience) return null;
    const nbf = typeof hit.payload.nbf === 'number' ? hit.payload.nbf * 1000 : hit.issuedAt;
    if (keyFor(hit.kid) === null || now < Math.max(hit.issuedAt, nbf) - TOLERANCE_MS || now >= hit.expiresAt + TOLERANCE_MS) {
      this.#entries.delete(token);
      return null;
    }
    return hit;
  }

  set(token: string, audience: string, svid: VerifiedSvid): void {
    // Only what was verified for `audience` is served for it (a token names one audience).
    if (svid.audience !== audience) return;
    if (this.#entries.has(token)) {
      this.#entries.set(token, svid);
      return;
    }
    // The order holds every token in the map (and some since dropped as stale): when it is full, the oldest goes.
    if (this.#tail - this.#head >= this.#max) this.#evictOldest();
    this.#entries.set(token, svid);
    this.#order[this.#tail++ % this.#max] = token;
  }

  get size(): number {
    return this.#entries.size;
  }

  #evictOldest(): void {
    const slot = this.#head++ % this.#max;
    const oldest = this.#order[slot] as string;
    this.#order[slot] = undefined;
    this.#entries.delete(oldest);
  }
}
