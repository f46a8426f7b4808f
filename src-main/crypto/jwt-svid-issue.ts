import { SignJWT } from 'jose';
import { toEpochSeconds } from '../core/clock.js';
import type { LoadedSigningKey } from './signing-key.js';
import { SVID_ALG } from './signing-key.js';

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
}

/** Signs a JWT-SVID: ES256 and only the alg, kid and typ headers, as the JWT-SVID standard allows. */
export async function signJwtSvid(key: LoadedSigningKey, claims: SvidClaims): Promise<string> {
  const payload: Record<string, unknown> = { scope: claims.scope, env: claims.env };
  if (claims.dpopJkt) payload.cnf = { jkt: claims.dpopJkt };
  return new SignJWT(payload)
    .setProtectedHeader({ alg: SVID_ALG, kid: key.record.kid, typ: 'JWT' })
    .setIssuer(claims.issuer)
    .setSubject(claims.spiffeId)
    .setAudience(claims.audience)
    .setJti(claims.jti)
    .setIssuedAt(toEpochSeconds(claims.issuedAt))
    .setExpirationTime(toEpochSeconds(claims.expiresAt))
    .sign(key.privateKey);
}
