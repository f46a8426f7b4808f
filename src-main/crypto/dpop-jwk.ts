// The proof key of a DPoP proof: which algorithms we accept, what a usable `jwk` header looks
// like, its RFC 7638 thumbprint (the `cnf.jkt` a token is bound to) and a bounded import cache.
import { constants, createHash, verify } from 'node:crypto';
import { importJWK, type JWK } from 'jose';
import type { JoseKey } from './signing-key.js';
import { keyObject } from './jws-es256.js';

/**
 * Asymmetric signature algorithms only (RFC 9449 §4.2, §11.6): never `none`, never HS*, whose
 * "public key" would be the MAC secret. Each algorithm fixes the key type (and curve), so a P-384
 * key cannot be used under ES256 and an RSA key cannot be used under an EC algorithm.
 */
export const DPOP_ALGS = {
  ES256: { kty: 'EC', crv: 'P-256' },
  ES384: { kty: 'EC', crv: 'P-384' },
  EdDSA: { kty: 'OKP', crv: 'Ed25519' },
  PS256: { kty: 'RSA' },
  RS256: { kty: 'RSA' },
} as const satisfies Record<string, { kty: string; crv?: string }>;

export type DpopAlg = keyof typeof DPOP_ALGS;

export const isDpopAlg = (alg: unknown): alg is DpopAlg => typeof alg === 'string' && Object.hasOwn(DPOP_ALGS, alg);

/** RSA moduli from 2048 bits (below is weak; jose refuses it too) to 4096 (above only costs us time). */
const RSA_MIN_BYTES = 256;
const RSA_MAX_BYTES = 512;
const B64URL = /^[A-Za-z0-9_-]+$/;

/** Members that carry private or symmetric key material (RFC 7518 §6.2.2, §6.3.2, §6.4; RFC 8037 §2). */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'] as const;

/** The members that define a public key, exactly those the RFC 7638 thumbprint hashes. */
export type PublicKeyMembers = { kty: 'EC'; crv: string; x: string; y: string } | { kty: 'OKP'; crv: string; x: string } | { kty: 'RSA'; e: string; n: string };

/**
 * The public key of a `jwk` header for `alg`, reduced to its defining members, or a reason why
 * it is not usable. Anything else in the JWK (use, key_ops, alg, kid...) is ignored, so what we
 * import, cache and thumbprint is always the same key.
 */
export function dpopPublicKey(jwk: unknown, alg: DpopAlg): PublicKeyMembers | string {
  if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk)) return 'the "jwk" header is missing or not a JSON object';
  const j = jwk as Record<string, unknown>;
  // RFC 9449 §4.3 check 7: a proof that publishes a private key proves nothing and leaks the key.
  for (const member of PRIVATE_MEMBERS) if (member in j) return `the "jwk" header carries the private or secret member "${member}"`;
  const want = DPOP_ALGS[alg];
  if (j.kty !== want.kty) return `"${alg}" needs a key of type ${want.kty}`;
  const str = (name: string): string | null => (typeof j[name] === 'string' && B64URL.test(j[name] as string) ? (j[name] as string) : null);
  if (want.kty === 'RSA') {
    const n = str('n');
    const e = str('e');
    if (n === null || e === null) return 'the RSA "jwk" needs base64url "n" and "e"';
    const bytes = Buffer.from(n, 'base64url');
    const modulusBytes = bytes.length - (bytes[0] === 0 ? 1 : 0);
    if (modulusBytes < RSA_MIN_BYTES || modulusBytes > RSA_MAX_BYTES) return 'the RSA modulus must be 2048 to 4096 bits';
    return { kty: 'RSA', e, n };
  }
  if (j.crv !== want.crv) return `"${alg}" needs curve ${want.crv}`;
  const x = str('x');
  if (x === null) return 'the "jwk" needs a base64url "x"';
  if (want.kty === 'OKP') return { kty: 'OKP', crv: want.crv, x };
  const y = str('y');
  if (y === null) return 'the EC "jwk" needs a base64url "y"';
  return { kty: 'EC', crv: want.crv, x, y };
}

/**
 * RFC 7638 SHA-256 thumbprint: the required members in lexicographic order, no whitespace.
 * Synchronous (node:crypto) because it runs on every request; the test checks it against jose's.
 */
export function jwkThumbprint(key: PublicKeyMembers): string {
  const canonical =
    key.kty === 'EC'
      ? { crv: key.crv, kty: key.kty, x: key.x, y: key.y }
      : key.kty === 'OKP'
        ? { crv: key.crv, kty: key.kty, x: key.x }
        : { e: key.e, kty: key.kty, n: key.n };
  return createHash('sha256').update(JSON.stringify(canonical)).digest('base64url');
}

/** Enough for every agent on a desktop many times over, small enough that junk keys cannot grow memory. */
export const MAX_CACHED_KEYS = 1024;

/** The default cache, shared by callers that do not bring their own. */
export const defaultDpopKeyCache = new Map<string, JoseKey>();

/**
 * Imports the key for `alg`, through `cache` keyed by alg and thumbprint: importing a JWK costs
 * more than verifying one signature, and an agent signs every request with the same key. The
 * algorithm is part of the cache key because WebCrypto binds a key to one (RS256 and PS256 import
 * the same RSA key differently). Least recently used entries leave first once the cap is reached.
 */
export async function importDpopKey(key: PublicKeyMembers, jkt: string, alg: DpopAlg, cache: Map<string, JoseKey>): Promise<JoseKey> {
  const cacheKey = `${alg}:${jkt}`;
  const cached = cache.get(cacheKey);
  if (cached) {
    // Map iteration order is insertion order: re-inserting marks the entry as recently used.
    cache.delete(cacheKey);
    cache.set(cacheKey, cached);
    return cached;
  }
  const imported = (await importJWK({ ...key } as JWK, alg)) as JoseKey;
  while (cache.size >= MAX_CACHED_KEYS) {
    const oldest = cache.keys().next();
    if (oldest.done) break;
    cache.delete(oldest.value);
  }
  cache.set(cacheKey, imported);
  return imported;
}

/** How each algorithm verifies with node:crypto, as RFC 7518 defines it (and jose/WebCrypto do). */
const VERIFY: Record<DpopAlg, { readonly hash: string | null; readonly signatureBytes?: number; readonly dsaEncoding?: 'ieee-p1363'; readonly padding?: number; readonly saltLength?: number }> = {
  ES256: { hash: 'sha256', signatureBytes: 64, dsaEncoding: 'ieee-p1363' },
  ES384: { hash: 'sha384', signatureBytes: 96, dsaEncoding: 'ieee-p1363' },
  EdDSA: { hash: null, signatureBytes: 64 },
  // RFC 7518 §3.5: PSS with MGF1-SHA-256 and a salt as long as the hash.
  PS256: { hash: 'sha256', padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 },
  RS256: { hash: 'sha256', padding: constants.RSA_PKCS1_PADDING },
};

/**
 * Verifies a JWS signature over `signingInput` (`header.payload`) with a key from importDpopKey,
 * synchronously. False for a signature of the wrong size or one that does not verify.
 */
export function verifyDpopSignature(alg: DpopAlg, key: JoseKey, signingInput: string, signature: Buffer): boolean {
  const v = VERIFY[alg];
  if (v.signatureBytes !== undefined && signature.length !== v.signatureBytes) return false;
  const input = { key: keyObject(key), dsaEncoding: v.dsaEncoding, padding: v.padding, saltLength: v.saltLength };
  try {
    return verify(v.hash, Buffer.from(signingInput, 'ascii'), input, signature);
  } catch {
    return false;
  }
}

/** The public members of a JWK, for a client that might hand over its private JWK by mistake. */
export function publicMembersOf(jwk: JWK, alg: DpopAlg): PublicKeyMembers {
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, oth: _oth, k: _k, ...rest } = jwk;
  const key = dpopPublicKey(rest, alg);
  if (typeof key === 'string') throw new TypeError(`Not a usable DPoP public key: ${key}`);
  return key;
}
