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
  readonly #entries = new Map<string, VerifiedSvid>();
  readonly #max: number;

  constructor(max = 10_000) {
    this.#max = max;
  }

  get(token: string, audience: string, now: number, keyFor: (kid: string) => JoseKey | null): VerifiedSvid | null {
    const key = `${audience}\n${token}`;
    const hit = this.#entries.get(key);
    if (!hit) return null;
    const nbf = typeof hit.payload.nbf === 'number' ? hit.payload.nbf * 1000 : hit.issuedAt;
    if (keyFor(hit.kid) === null || now < Math.max(hit.issuedAt, nbf) - TOLERANCE_MS || now >= hit.expiresAt + TOLERANCE_MS) {
      this.#entries.delete(key);
      return null;
    }
    return hit;
  }

  set(token: string, audience: string, svid: VerifiedSvid): void {
    const key = `${audience}\n${token}`;
    if (this.#entries.size >= this.#max) {
      // Oldest insertion first: Map iteration order.
      const oldest = this.#entries.keys().next().value as string;
      this.#entries.delete(oldest);
    }
    this.#entries.set(key, svid);
  }
}
