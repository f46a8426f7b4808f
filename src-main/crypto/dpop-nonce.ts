// Server-provided DPoP nonces (RFC 9449 §8, §9): they cap how long a proof can be used no matter
// what `iat` the client wrote, so proofs pre-generated for the future (§11.2) are worthless.
//
// A nonce is HMAC-SHA256(secret, time bucket), base64url: stateless, so any number of clients
// can hold one without the gateway storing anything, and unpredictable without the secret (§8).
// A nonce is accepted during its own bucket and the next one, so a client that fetched one just
// before a bucket boundary is not refused at once: a nonce lives between one and two buckets.
//
// The secret is random per process and never stored. A restart (or another gateway process on
// the same data) therefore refuses nonces it did not make; clients recover as the RFC intends:
// the refusal is `use_dpop_nonce` with a fresh DPoP-Nonce header, and the client retries once.
import { createHmac, randomBytes } from 'node:crypto';
import type { Clock } from '../core/clock.js';
import type { DpopNonceCheck } from './dpop.js';

export const DEFAULT_NONCE_BUCKET_MS = 5 * 60_000;
/** base64url of a SHA-256 HMAC. */
const NONCE_CHARS = 43;

export interface DpopNonceSource extends DpopNonceCheck {
  /** The nonce to hand out now (DPoP-Nonce header). */
  current(): string;
  /** True for the nonce of the current or the previous bucket. */
  accepts(nonce: string): boolean;
}

export interface DpopNonceOptions {
  readonly bucketMs?: number;
  /** For tests only: a fixed secret. By default 32 random bytes for the life of the process. */
  readonly secret?: Uint8Array;
}

export function createDpopNonceSource(clock: Clock, options: DpopNonceOptions = {}): DpopNonceSource {
  const bucketMs = options.bucketMs ?? DEFAULT_NONCE_BUCKET_MS;
  if (!(Number.isInteger(bucketMs) && bucketMs > 0)) throw new TypeError('bucketMs must be a positive integer');
  const secret = Buffer.from(options.secret ?? randomBytes(32));
  if (secret.length < 32) throw new TypeError('the nonce secret must have at least 32 bytes');

  // Two buckets are live at any time; remembering the last few avoids an HMAC per request.
  const memo = new Map<number, string>();
  const nonceOf = (bucket: number): string => {
    let nonce = memo.get(bucket);
    if (nonce === undefined) {
      // Domain-separated, so the secret could never produce a value meaningful elsewhere.
      nonce = createHmac('sha256', secret).update(`charon/dpop-nonce/v1/${bucket}`).digest('base64url');
      if (memo.size >= 4) memo.clear();
      memo.set(bucket, nonce);
    }
    return nonce;
  };
  const bucketNow = (): number => Math.floor(clock.now() / bucketMs);

  return {
    current: () => nonceOf(bucketNow()),
    accepts(nonce) {
      if (typeof nonce !== 'string' || nonce.length !== NONCE_CHARS) return false;
      const bucket = bucketNow();
      // Plain comparison: a valid nonce is no secret, the gateway hands it to anyone who asks.
      return nonce === nonceOf(bucket) || nonce === nonceOf(bucket - 1);
    },
  };
}
