// RFC 9449 DPoP proofs, checked by the gateway on every request with a DPoP-bound token.
//
// Which check gives which error code (all answered with 401 by the HTTP layer):
//   ERR_DPOP_PROOF_MISSING   the header value is empty (the HTTP layer also reports an absent header)
//   ERR_DPOP_PROOF_INVALID   §4.3 checks 1-7: more than one proof (a ',' from joined headers), too
//                            long, not a compact JWS, unreadable header or payload, `typ` not
//                            dpop+jwt, `alg` not one of DPOP_ALGS (none, HS*...), `crit`/`b64`
//                            present, `jwk` missing, private, of the wrong type or size for `alg`,
//                            the signature does not verify with that `jwk`; a required claim (jti,
//                            htm, htu, iat) is missing or of the wrong type, jti longer than 128
//   ERR_DPOP_PROOF_MISMATCH  §4.3 checks 8, 9, 12: `htm` is not the request method, `htu` is not the
//                            request URL (normalized, without query and fragment), `ath` is missing
//                            or is not the hash of the presented token, the key's thumbprint is not
//                            the token's `cnf.jkt`
//   ERR_DPOP_NONCE_REQUIRED  §4.3 check 10, §9, §11.3: a nonce is required and `nonce` is missing or
//                            not a current one; the HTTP layer answers `use_dpop_nonce` with a fresh
//                            DPoP-Nonce header and the client retries
//   ERR_DPOP_PROOF_STALE     §4.3 check 11, §11.1: `iat` older than maxAgeSeconds or more than
//                            FUTURE_SKEW_SECONDS ahead of our clock
//   ERR_DPOP_PROOF_REPLAYED  §11.1: checkAndRememberDpop saw this (jkt, jti) before
//
// RFC 9449 §4.3 allows the checks in any order. Cheap comparisons come first and the signature
// last, so junk is refused without importing keys; in particular a proof whose key is not the one
// the token is bound to never reaches the key cache. Nothing is recorded until every check passed.
import { createHash } from 'node:crypto';
import type { ErrorCode } from '../../src-shared/errors.js';
import { CharonError } from '../core/errors.js';
import { boundedMemo } from '../core/bounded-memo.js';
import { hasDuplicateKeys } from '../core/json-duplicate-keys.js';
import type { DpopReplayStore } from '../core/ports.js';
import { normalizeHtu } from './dpop-htu.js';
import { jsonObject, segmentText } from './jws-text.js';
import { defaultDpopKeyCache, dpopPublicKey, importDpopKey, isDpopAlg, jwkThumbprint, MAX_CACHED_KEYS, verifyDpopSignature, type DpopAlg, type PublicKeyMembers } from './dpop-jwk.js';
import type { JoseKey } from './signing-key.js';

/** A proof is a header, a small payload and one signature; an RSA-4096 proof is about 2.2 KB. */
export const MAX_PROOF_CHARS = 4096;
export const MAX_JTI_CHARS = 128;
export const DEFAULT_MAX_AGE_SECONDS = 60;
/** Clock skew tolerated for a proof made "in the future" by a client whose clock runs ahead (§11.1). */
export const FUTURE_SKEW_SECONDS = 5;

const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/** Something that knows which server nonces are current; see dpop-nonce.ts. */
export interface DpopNonceCheck {
  accepts(nonce: string): boolean;
}

export interface DpopExpectation {
  /** The request's method, exactly as received (methods are case-sensitive). */
  readonly method: string;
  /** The absolute URL of the request; query and fragment are ignored. */
  readonly url: string;
  /** The access token presented with the proof: the proof must carry its hash in `ath`. */
  readonly accessToken?: string;
  /** The `cnf.jkt` the access token is bound to. */
  readonly jkt?: string;
  /** Epoch milliseconds. */
  readonly now: number;
  readonly maxAgeSeconds?: number;
  /** The nonce the proof must carry (one value, or a source accepting a window of them); null or absent: none required. */
  readonly nonce?: string | DpopNonceCheck | null;
}

export interface DpopDeps {
  /** Imported proof keys by alg and thumbprint; a module-wide cache when absent. */
  readonly keyCache?: Map<string, JoseKey>;
}

export interface VerifiedDpopProof {
  /** RFC 7638 SHA-256 thumbprint of the proof key. */
  readonly jkt: string;
  readonly jti: string;
  /** Epoch seconds, as in the proof. */
  readonly iat: number;
}

const fail = (code: ErrorCode, message: string): never => {
  throw new CharonError(code, message);
};

/**
 * `ath`: base64url SHA-256 of the access token's ASCII bytes (RFC 9449 §4.2). Hashed as UTF-8,
 * which is the same bytes for ASCII and, unlike Node's lossy 'ascii', never maps two tokens to one.
 */
export const accessTokenHash = (accessToken: string): string => createHash('sha256').update(accessToken, 'utf8').digest('base64url');

type CheckedHeader = { readonly alg: DpopAlg; readonly publicKey: PublicKeyMembers; readonly jkt: string } | { readonly refused: string };

/** §4.3 checks 2, 4, 5, 7 on a proof's header segment (base64url), and the key's thumbprint: all of it a function of that text. */
function checkHeader(segment: string): CheckedHeader {
  let header: Record<string, unknown>;
  let headerText: string;
  try {
    headerText = segmentText(segment, 0);
    header = jsonObject(headerText);
  } catch {
    return { refused: 'The DPoP proof has an unreadable header or payload' };
  }
  // A member named twice (two `jwk`, two `typ`...) would be read one way here and maybe another elsewhere.
  if (hasDuplicateKeys(headerText)) return { refused: 'The DPoP proof names a header or claim twice' };
  // §11.5: typ stops a JWT made for another purpose (an access token...) from passing as a proof.
  if (header.typ !== 'dpop+jwt') return { refused: '"typ" must be dpop+jwt' };
  const alg = header.alg;
  if (!isDpopAlg(alg)) return { refused: `"alg" ${JSON.stringify(alg)} is not accepted for DPoP proofs` };
  // Extensions would change what the signature covers (b64: false) or demand semantics we do not implement.
  if ('crit' in header || 'b64' in header) return { refused: 'The DPoP proof may not use "crit" or "b64"' };
  const publicKey = dpopPublicKey(header.jwk, alg);
  if (typeof publicKey === 'string') return { refused: `Unusable proof key: ${publicKey}` };
  return { alg, publicKey, jkt: jwkThumbprint(publicKey) };
}

const checkedHeader = boundedMemo(MAX_CACHED_KEYS, checkHeader);
/** `ath` of the tokens presented lately: an agent presents one token on every request until it renews. */
const rememberedTokenHash = boundedMemo(MAX_CACHED_KEYS, accessTokenHash);
/** The request URL and a proof's `htu` are the same few strings on every request. */
const normalizedHtu = boundedMemo(MAX_CACHED_KEYS, normalizeHtu);

/** Verifies one DPoP proof against the request it came with; does not record it (see checkAndRememberDpop). */
export async function verifyDpopProof(proof: string, expect: DpopExpectation, deps: DpopDeps = {}): Promise<VerifiedDpopProof> {
  if (typeof proof !== 'string') throw new TypeError('proof must be a string');
  const expectedHtu = normalizedHtu(expect.url);
  if (expectedHtu === null) throw new TypeError(`expect.url must be an absolute http(s) URL, got ${expect.url}`);
  const maxAge = expect.maxAgeSeconds ?? DEFAULT_MAX_AGE_SECONDS;
  if (!(maxAge > 0 && Number.isFinite(maxAge))) throw new TypeError('maxAgeSeconds must be a positive number');

  // §4.3 checks 1-2: one well-formed JWT. Node joins repeated DPoP headers with ", ".
  if (proof.length === 0) fail('ERR_DPOP_PROOF_MISSING', 'The DPoP header is empty');
  if (proof.length > MAX_PROOF_CHARS) fail('ERR_DPOP_PROOF_INVALID', `The DPoP proof exceeds ${MAX_PROOF_CHARS} characters`);
  if (proof.includes(',')) fail('ERR_DPOP_PROOF_INVALID', 'More than one DPoP proof was sent');
  if (!COMPACT_JWS.test(proof)) fail('ERR_DPOP_PROOF_INVALID', 'The DPoP proof is not a compact JWS');

  // The header is the same text on every proof an agent makes with its key: its checks are remembered.
  const head = checkedHeader(proof.slice(0, proof.indexOf('.')));
  if ('refused' in head) return fail('ERR_DPOP_PROOF_INVALID', head.refused);
  const { alg, publicKey, jkt } = head;
  let claims: Record<string, unknown>;
  let payloadText: string;
  try {
    payloadText = segmentText(proof, 1);
    claims = jsonObject(payloadText);
  } catch {
    return fail('ERR_DPOP_PROOF_INVALID', 'The DPoP proof has an unreadable header or payload');
  }
  if (hasDuplicateKeys(payloadText)) fail('ERR_DPOP_PROOF_INVALID', 'The DPoP proof names a header or claim twice');

  // §4.3 check 3: required claims.
  const { jti, htm, htu, iat } = claims;
  if (typeof jti !== 'string' || jti.length === 0 || jti.length > MAX_JTI_CHARS) return fail('ERR_DPOP_PROOF_INVALID', `"jti" must be a string of 1 to ${MAX_JTI_CHARS} characters`);
  if (typeof htm !== 'string' || typeof htu !== 'string') return fail('ERR_DPOP_PROOF_INVALID', '"htm" and "htu" must be strings');
  if (typeof iat !== 'number' || !Number.isFinite(iat)) return fail('ERR_DPOP_PROOF_INVALID', '"iat" must be a number');

  // §4.3 checks 8, 9, 12: the proof is for this request, this token and this token's key.
  if (htm !== expect.method) fail('ERR_DPOP_PROOF_MISMATCH', `"htm" does not match the request method ${expect.method}`);
  if (normalizedHtu(htu) !== expectedHtu) fail('ERR_DPOP_PROOF_MISMATCH', '"htu" does not match the request URL');
  if (expect.jkt !== undefined && jkt !== expect.jkt) fail('ERR_DPOP_PROOF_MISMATCH', 'The proof key is not the key the token is bound to');
  if (expect.accessToken !== undefined) {
    if (typeof claims.ath !== 'string') fail('ERR_DPOP_PROOF_MISMATCH', 'The proof lacks "ath" for the presented access token');
    if (claims.ath !== rememberedTokenHash(expect.accessToken)) fail('ERR_DPOP_PROOF_MISMATCH', '"ath" is not the hash of the presented access token');
  }

  // §4.3 check 10, §11.3: once a nonce is required, a proof without a current one is refused.
  const required = expect.nonce ?? null;
  if (required !== null) {
    const nonce = claims.nonce;
    const current = typeof nonce === 'string' && (typeof required === 'string' ? nonce === required : required.accepts(nonce));
    if (!current) fail('ERR_DPOP_NONCE_REQUIRED', typeof nonce === 'string' ? 'The DPoP nonce is not current; use the one just sent' : 'A DPoP nonce is required; use the one just sent');
  }

  // §4.3 check 11, §11.1: proofs are accepted only briefly after creation, a little early for skew.
  const nowSeconds = expect.now / 1000;
  if (nowSeconds - iat > maxAge) fail('ERR_DPOP_PROOF_STALE', `The DPoP proof is older than ${maxAge} s`);
  if (iat - nowSeconds > FUTURE_SKEW_SECONDS) fail('ERR_DPOP_PROOF_STALE', '"iat" is in the future');

  // §4.3 check 6: the signature, with the key the proof itself carries.
  let key: JoseKey;
  try {
    key = await importDpopKey(publicKey, jkt, alg, deps.keyCache ?? defaultDpopKeyCache);
  } catch {
    return fail('ERR_DPOP_PROOF_INVALID', 'The "jwk" header is not a valid public key');
  }
  // Synchronous node:crypto on the cached key: one proof per request, and a threadpool round trip
  // (WebCrypto's, or node:crypto's callback form) costs more than it frees on a busy gateway.
  const end = proof.lastIndexOf('.');
  if (!verifyDpopSignature(alg, key, proof.slice(0, end), Buffer.from(proof.slice(end + 1), 'base64url'))) {
    fail('ERR_DPOP_PROOF_INVALID', 'The DPoP proof signature does not verify with its "jwk"');
  }
  return { jkt, jti, iat };
}

/** When a proof stops being accepted (epoch ms): until then its jti must stay remembered. */
export const proofExpiresAt = (iat: number, maxAgeSeconds: number = DEFAULT_MAX_AGE_SECONDS): number => Math.ceil((iat + maxAgeSeconds) * 1000);

/**
 * Verifies a proof, then spends it: the first request with a given (jkt, jti) passes, every later
 * one gets ERR_DPOP_PROOF_REPLAYED, including in another gateway process on the same store. The
 * store's `remember` is one atomic check-and-insert, so two requests racing with one proof cannot
 * both pass. Only fully verified proofs are recorded, so nobody can burn another client's jti.
 */
export async function checkAndRememberDpop(
  proof: string,
  expect: DpopExpectation,
  deps: DpopDeps & {
    readonly replay: DpopReplayStore;
    /** Runs the check-and-insert in a (group) commit and settles after it; without one it commits on its own. */
    readonly commit?: <T>(fn: () => T) => Promise<T>;
  },
): Promise<VerifiedDpopProof> {
  const { verified, spend } = await checkDpopSpendLater(proof, expect, deps);
  if (deps.commit) await deps.commit(spend);
  else spend();
  return verified;
}

/**
 * Verifies a proof now and leaves spending it to the caller, who runs `spend` inside its own
 * commit (the gateway's decision record): one commit per call instead of two, and nothing is
 * acted on before the proof is spent. `spend` throws ERR_DPOP_PROOF_REPLAYED for a used proof;
 * once it succeeded, calling it again does nothing (a request decided twice spends once).
 */
export async function checkDpopSpendLater(proof: string, expect: DpopExpectation, deps: DpopDeps & { readonly replay: DpopReplayStore }): Promise<{ verified: VerifiedDpopProof; spend: () => void }> {
  const verified = await verifyDpopProof(proof, expect, deps);
  let spent = false;
  const spend = (): void => {
    if (spent) return;
    if (!deps.replay.remember(verified.jkt, verified.jti, proofExpiresAt(verified.iat, expect.maxAgeSeconds))) fail('ERR_DPOP_PROOF_REPLAYED', 'This DPoP proof was already used, or is older than the proofs already forgotten (has the clock stepped back?)');
    spent = true;
  };
  return { verified, spend };
}
