// Making DPoP proofs (RFC 9449 §4.2): for the tests here and for the agent client.
import { randomUUID } from 'node:crypto';
import { SignJWT, type JWK } from 'jose';
import { accessTokenHash } from './dpop.js';
import { normalizeHtu } from './dpop-htu.js';
import { publicMembersOf, type DpopAlg } from './dpop-jwk.js';
import type { JoseKey } from './signing-key.js';

export interface DpopProofRequest {
  readonly privateKey: JoseKey;
  /** Only its public members go into the header, even if a private JWK is passed by mistake. */
  readonly publicJwk: JWK;
  readonly method: string;
  /** The request URL; query and fragment are left out of `htu`. */
  readonly url: string;
  /** Sent with the proof: its hash goes into `ath`. */
  readonly accessToken?: string;
  /** The server's latest DPoP-Nonce. */
  readonly nonce?: string;
  /** Epoch milliseconds. */
  readonly now: number;
  /** Defaults from the key: ES256 / ES384 by curve, EdDSA for Ed25519, PS256 for RSA. */
  readonly alg?: DpopAlg;
  /** Defaults to a random UUID (122 random bits, above the RFC's 96). */
  readonly jti?: string;
}

function defaultAlg(jwk: JWK): DpopAlg {
  if (jwk.kty === 'EC') return jwk.crv === 'P-384' ? 'ES384' : 'ES256';
  if (jwk.kty === 'OKP') return 'EdDSA';
  if (jwk.kty === 'RSA') return 'PS256';
  throw new TypeError(`No DPoP algorithm for key type ${String(jwk.kty)}`);
}

/** One proof for one request; make a new one for every request, retries included (§7.3). */
export async function createDpopProof(request: DpopProofRequest): Promise<string> {
  const alg = request.alg ?? defaultAlg(request.publicJwk);
  const htu = normalizeHtu(request.url);
  if (htu === null) throw new TypeError(`Not an absolute http(s) URL: ${request.url}`);
  const claims: Record<string, unknown> = { jti: request.jti ?? randomUUID(), htm: request.method, htu };
  if (request.accessToken !== undefined) claims.ath = accessTokenHash(request.accessToken);
  if (request.nonce !== undefined) claims.nonce = request.nonce;
  return new SignJWT(claims)
    .setProtectedHeader({ typ: 'dpop+jwt', alg, jwk: { ...publicMembersOf(request.publicJwk, alg) } })
    .setIssuedAt(Math.floor(request.now / 1000))
    .sign(request.privateKey);
}
