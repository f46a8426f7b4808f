import { toEpochSeconds } from '../core/clock.js';
import type { LoadedSigningKey } from './signing-key.js';
import { SVID_ALG } from './signing-key.js';
import { signEs256 } from './jws-es256.js';

const b64json = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

export interface SvidClaims {
  readonly issuer: string;
  readonly spiffeId: string;
  readonly audience: string;
  readonly jti: string;
  readonly scope: string;
  readonly env: string;
  readonly issuedAt: number;
  readonly expiresAt: number;
  /** RFC 9449 key binding: the JWK SHA-256 thumbprint of the holder's DPoP key. */
  readonly dpopJkt?: string | null;
  /** RFC 8693 §4.1 delegation: the actors' SPIFFE ids, root first; the last is the current actor (outermost `act`). */
  readonly actors?: readonly string[];
  /** The human's authentication assurance (carried along a delegation chain). */
  readonly acr?: string;
  readonly amr?: readonly string[];
  /**
   * Set for a JWT access token (RFC 9068, `typ: at+jwt`): the client it was issued to. A delegated
   * or OAuth token is one of these, signed with the authorization server's keys, never a JWT-SVID.
   */
  readonly clientId?: string;
}

/** RFC 9068 §2.1: the media type of a JWT access token. */
export const ACCESS_TOKEN_TYP = 'at+jwt';

export interface ActClaim {
  readonly sub: string;
  readonly act?: ActClaim;
}

/** `act` nested as RFC 8693 §4.1 wants it: the outermost is the current actor, each prior actor nested inside. */
export function nestActors(actors: readonly string[]): ActClaim | undefined {
  let act: ActClaim | undefined;
  for (const sub of actors) act = act ? { sub, act } : { sub };
  return act;
}

/** Signs a JWT-SVID: ES256 and only the alg, kid and typ headers, as the JWT-SVID standard allows (node:crypto, synchronously). */
export function signJwtSvid(key: LoadedSigningKey, claims: SvidClaims): string {
  const payload: Record<string, unknown> = { scope: claims.scope, env: claims.env };
  if (claims.dpopJkt) payload.cnf = { jkt: claims.dpopJkt };
  if (claims.actors && claims.actors.length > 0) payload.act = nestActors(claims.actors);
  if (claims.acr !== undefined) payload.acr = claims.acr;
  if (claims.amr !== undefined) payload.amr = [...claims.amr];
  if (claims.clientId !== undefined) payload.client_id = claims.clientId;
  const claims7519 = { iss: claims.issuer, sub: claims.spiffeId, aud: claims.audience, jti: claims.jti, iat: toEpochSeconds(claims.issuedAt), exp: toEpochSeconds(claims.expiresAt) };
  const header = { alg: SVID_ALG, kid: key.record.kid, typ: claims.clientId === undefined ? 'JWT' : ACCESS_TOKEN_TYP };
  return signEs256(`${b64json(header)}.${b64json({ ...payload, ...claims7519 })}`, key.privateKey);
}
