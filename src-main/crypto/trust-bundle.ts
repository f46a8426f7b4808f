import type { TrustBundleDto } from '../../src-shared/dto.js';
import type { SigningKeyRecord } from '../core/records.js';
import { inBundle } from './signing-key.js';

/**
 * A SPIFFE bundle (JWKS with `use: "jwt-svid"`, `spiffe_sequence`, `spiffe_refresh_hint`).
 * The sequence counts bundle changes (keys added, keys that left), so it only grows as time does.
 */
export function trustBundle(keys: readonly SigningKeyRecord[], now: number, refreshHintSeconds: number): TrustBundleDto {
  const present = keys.filter((k) => inBundle(k, now));
  const departed = keys.filter((k) => k.leavesBundleAt !== null && k.leavesBundleAt <= now).length;
  return {
    keys: present.map((k) => ({
      kty: 'EC',
      crv: k.publicJwk.crv ?? 'P-256',
      x: k.publicJwk.x ?? '',
      y: k.publicJwk.y ?? '',
      kid: k.kid,
      use: 'jwt-svid',
      alg: k.alg,
    })),
    spiffe_sequence: keys.length + departed,
    spiffe_refresh_hint: refreshHintSeconds,
  };
}

/** The authorization server's JWKS (its `jwks_uri`): the keys of RFC 9068 access tokens, `use: "sig"`, never the SPIFFE bundle's. */
export function accessTokenJwks(keys: readonly SigningKeyRecord[], now: number): { keys: { kty: 'EC'; crv: string; x: string; y: string; kid: string; use: 'sig'; alg: string }[] } {
  return {
    keys: keys
      .filter((k) => inBundle(k, now))
      .map((k) => ({ kty: 'EC', crv: k.publicJwk.crv ?? 'P-256', x: k.publicJwk.x ?? '', y: k.publicJwk.y ?? '', kid: k.kid, use: 'sig', alg: k.alg })),
  };
}
