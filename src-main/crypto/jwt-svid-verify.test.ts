// Negative tests for the JWT-SVID verifier: each case is an attack and the exact code that stops it.
import { createHmac, generateKeyPairSync, KeyObject, randomBytes } from 'node:crypto';
import { base64url, exportJWK, SignJWT, type JWTPayload } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { toEpochSeconds } from '../core/clock.js';
import { signJwtSvid, type SvidClaims } from './jwt-svid-issue.js';
import { verifyJwtSvid, type SvidVerifyOptions } from './jwt-svid-verify.js';
import { generateSigningKey, loadSigningKey, type LoadedSigningKey } from './signing-key.js';

const NOW = Date.UTC(2026, 10, 23, 9, 0, 0);
const TRUST_DOMAIN = 'charon.local';
const ISSUER = 'spiffe://charon.local/charon/authority';
const AUDIENCE = 'spiffe://charon.local/charon/gateway';
const SUB = 'spiffe://charon.local/agent/builder';

let key: LoadedSigningKey;
let kid: string;

// A real signing key, made and unsealed the way the key ring does it.
beforeAll(async () => {
  const master = randomBytes(32);
  key = await loadSigningKey(master, await generateSigningKey(master, NOW));
  kid = key.record.kid;
});

const options = (overrides: Partial<SvidVerifyOptions> = {}): SvidVerifyOptions => ({
  issuer: ISSUER,
  audience: AUDIENCE,
  trustDomain: TRUST_DOMAIN,
  now: NOW,
  keyFor: (k) => (k === kid ? key.publicKey : null),
  ...overrides,
});

const claims = (overrides: Partial<SvidClaims> = {}): SvidClaims => ({
  issuer: ISSUER,
  spiffeId: SUB,
  audience: AUDIENCE,
  jti: 'c0ffee00-0000-4000-8000-000000000001',
  scope: 'files:read',
  env: 'dev',
  issuedAt: NOW,
  expiresAt: NOW + 600_000,
  ...overrides,
});

/** The payload the issuer would write, as a plain object the attacker can edit. */
const payload = (extra: JWTPayload = {}): JWTPayload => ({
  iss: ISSUER,
  sub: SUB,
  aud: AUDIENCE,
  jti: 'c0ffee00-0000-4000-8000-000000000001',
  scope: 'files:read',
  env: 'dev',
  iat: toEpochSeconds(NOW),
  exp: toEpochSeconds(NOW) + 600,
  ...extra,
});

/** Signs with the real key (or another), with any header the attacker chooses. */
type Signer = Parameters<SignJWT['sign']>[0];
const signWith = (header: Record<string, unknown>, body: JWTPayload = payload(), signer: Signer = key.privateKey) =>
  new SignJWT(body).setProtectedHeader({ alg: 'ES256', ...header }).sign(signer);

const b64json = (value: unknown) => base64url.encode(JSON.stringify(value));

/** A JWS built byte by byte, for what no JOSE library will sign. */
const rawToken = (header: unknown, body: unknown, signature = '') => `${b64json(header)}.${b64json(body)}.${signature}`;

const hs256 = (header: unknown, body: unknown, secret: Uint8Array | string) => {
  const input = `${b64json(header)}.${b64json(body)}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
};

const rejects = (token: string, code: string, overrides: Partial<SvidVerifyOptions> = {}) =>
  expect(verifyJwtSvid(token, options(overrides))).rejects.toMatchObject({ code });

describe('verifyJwtSvid: the baseline', () => {
  it('accepts a token from the real issuer (so every refusal below is due to the attack alone)', async () => {
    const verified = await verifyJwtSvid(signJwtSvid(key, claims()), options());
    expect(verified).toMatchObject({ kid, spiffeId: SUB, scope: 'files:read', env: 'dev' });
    const handBuilt = await verifyJwtSvid(await signWith({ kid, typ: 'JWT' }), options());
    expect(handBuilt.jti).toBe('c0ffee00-0000-4000-8000-000000000001');
  });
});

describe('verifyJwtSvid refuses forged algorithms', () => {
  it.each(['none', 'None', 'NONE', 'nOnE'])('refuses an unsigned token with alg "%s"', async (alg) => {
    await rejects(rawToken({ alg, kid, typ: 'JWT' }, payload()), 'ERR_JOSE_ALG_NOT_ALLOWED');
  });

  it('refuses alg "none" even when a real ES256 signature is appended', async () => {
    const real = (signJwtSvid(key, claims())).split('.')[2] ?? '';
    await rejects(rawToken({ alg: 'none', kid, typ: 'JWT' }, payload(), real), 'ERR_JOSE_ALG_NOT_ALLOWED');
  });

  it('refuses algorithm confusion: HS256 keyed with the served public JWK (JSON, x, y and the raw point)', async () => {
    const jwk = await exportJWK(key.publicKey);
    const x = Buffer.from(jwk.x ?? '', 'base64url');
    const y = Buffer.from(jwk.y ?? '', 'base64url');
    const secrets: (string | Uint8Array)[] = [
      JSON.stringify(jwk),
      JSON.stringify({ ...jwk, kid, use: 'jwt-svid', alg: 'ES256' }),
      jwk.x ?? '',
      Buffer.concat([Buffer.from([4]), x, y]),
    ];
    for (const secret of secrets) {
      await rejects(hs256({ alg: 'HS256', kid, typ: 'JWT' }, payload(), secret), 'ERR_JOSE_ALG_NOT_ALLOWED');
    }
  });

  it('refuses algorithm confusion: HS256 keyed with the PEM (SPKI) of the public key', async () => {
    const pem = KeyObject.from(key.publicKey).export({ type: 'spki', format: 'pem' }).toString();
    await rejects(hs256({ alg: 'HS256', kid, typ: 'JWT' }, payload(), pem), 'ERR_JOSE_ALG_NOT_ALLOWED');
    // The same with jose's own HMAC signer, so the token is well-formed by a library's standards.
    const viaJose = await new SignJWT(payload()).setProtectedHeader({ alg: 'HS256', kid, typ: 'JWT' }).sign(new TextEncoder().encode(pem));
    await rejects(viaJose, 'ERR_JOSE_ALG_NOT_ALLOWED');
  });

  it.each(['HS384', 'HS512', 'RS256', 'PS256', 'ES384', 'ES512', 'EdDSA', 'es256'])('refuses a token claiming alg %s', async (alg) => {
    await rejects(hs256({ alg, kid, typ: 'JWT' }, payload(), 'secret'), 'ERR_JOSE_ALG_NOT_ALLOWED');
  });
});

describe('verifyJwtSvid refuses forged key selection', () => {
  it('refuses an unknown kid', async () => {
    await rejects(await signWith({ kid: 'not-a-key-in-the-bundle', typ: 'JWT' }), 'ERR_JWKS_NO_MATCHING_KEY');
  });

  it('refuses a token without a kid (no guessing which bundle key to try)', async () => {
    await rejects(await signWith({ typ: 'JWT' }), 'ERR_JOSE_HEADER_INVALID');
  });

  it.each([
    ['an empty kid', ''],
    ['a numeric kid', 7],
    ['an oversized kid', 'k'.repeat(129)],
  ])('refuses %s', async (_name, badKid) => {
    await rejects(rawToken({ alg: 'ES256', kid: badKid, typ: 'JWT' }, payload(), 'AAAA'), 'ERR_JOSE_HEADER_INVALID');
  });

  it('refuses a token signed by a valid-looking foreign P-256 key that reuses an existing kid', async () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const foreign = await signWith({ kid, typ: 'JWT' }, payload(), privateKey);
    await rejects(foreign, 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED');
  });
});

describe('verifyJwtSvid refuses JOSE headers the JWT-SVID standard forbids', () => {
  it('refuses an embedded jwk header (attacker-supplied verification key)', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = publicKey.export({ format: 'jwk' });
    await rejects(await signWith({ kid, typ: 'JWT', jwk }, payload(), privateKey), 'ERR_JOSE_HEADER_INVALID');
    // Even when the real key signed it: the header itself is not allowed.
    await rejects(await signWith({ kid, typ: 'JWT', jwk: await exportJWK(key.publicKey) }), 'ERR_JOSE_HEADER_INVALID');
  });

  it.each([
    ['jku (attacker-hosted key set)', { jku: 'https://attacker.example/jwks.json' }],
    ['x5u (attacker-hosted certificate)', { x5u: 'https://attacker.example/cert.pem' }],
    ['x5c (embedded certificate chain)', { x5c: ['MIIB'] }],
    ['x5t (certificate thumbprint)', { x5t: 'AAAA' }],
    ['cty (nested token)', { cty: 'JWT' }],
    ['zip (compressed payload)', { zip: 'DEF' }],
  ])('refuses the %s header', async (_name, extra) => {
    await rejects(await signWith({ kid, typ: 'JWT', ...extra }), 'ERR_JOSE_HEADER_INVALID');
  });

  it('refuses crit with b64=false (unencoded payload, RFC 7797)', async () => {
    // jose will not sign b64=false into a JWT, so build it: the payload travels raw.
    const header = { alg: 'ES256', kid, typ: 'JWT', b64: false, crit: ['b64'] };
    await rejects(rawToken(header, payload(), 'AAAA'), 'ERR_JOSE_HEADER_INVALID');
  });

  it('refuses a crit header naming an extension', async () => {
    await rejects(rawToken({ alg: 'ES256', kid, typ: 'JWT', crit: ['exp'], exp: 1 }, payload(), 'AAAA'), 'ERR_JOSE_HEADER_INVALID');
  });

  it.each(['at+jwt', 'dpop+jwt', 'jwt-svid', 'application/jwt+x', 'JWE'])('refuses a token typed %s (another kind of token passed off as an SVID)', async (typ) => {
    await rejects(await signWith({ kid, typ }), 'ERR_JOSE_HEADER_INVALID');
  });

  it('refuses a non-JSON or non-object header', async () => {
    await rejects(`${base64url.encode('not json')}.${b64json(payload())}.AAAA`, 'ERR_JWT_MALFORMED');
    await rejects(`${b64json(['alg', 'ES256'])}.${b64json(payload())}.AAAA`, 'ERR_JWT_MALFORMED');
  });
});

describe('verifyJwtSvid refuses tokens outside their validity window', () => {
  it('refuses an expired token (beyond the clock tolerance)', async () => {
    const token = signJwtSvid(key, claims({ issuedAt: NOW - 700_000, expiresAt: NOW - 60_000 }));
    await rejects(token, 'ERR_JWT_EXPIRED');
    // The same token, presented later: expiry follows the verifier's clock.
    const fresh = signJwtSvid(key, claims());
    await rejects(fresh, 'ERR_JWT_EXPIRED', { now: NOW + 601_000 + 10_000 });
  });

  it('refuses a token minted in the future (iat ahead of the clock)', async () => {
    const token = signJwtSvid(key, claims({ issuedAt: NOW + 3_600_000, expiresAt: NOW + 4_200_000 }));
    await rejects(token, 'ERR_JWT_NOT_YET_VALID');
  });

  it('refuses a token whose nbf is in the future', async () => {
    await rejects(await signWith({ kid, typ: 'JWT' }, payload({ nbf: toEpochSeconds(NOW) + 3600 })), 'ERR_JWT_NOT_YET_VALID');
  });

  it('refuses a token without exp (a credential that would never expire)', async () => {
    const body = payload();
    delete body.exp;
    await rejects(await signWith({ kid, typ: 'JWT' }, body), 'ERR_JWT_CLAIM_INVALID');
  });

  it('refuses a token without iat (its age cannot be known, so it is not valid yet)', async () => {
    const body = payload();
    delete body.iat;
    await rejects(await signWith({ kid, typ: 'JWT' }, body), 'ERR_JWT_NOT_YET_VALID');
  });
});

describe('verifyJwtSvid refuses tokens meant for someone else or from someone else', () => {
  it('refuses a token for another audience', async () => {
    await rejects(signJwtSvid(key, claims({ audience: 'spiffe://charon.local/other/service' })), 'ERR_JWT_AUDIENCE_INVALID');
  });

  it('refuses a token with several audiences, even if one is ours (one token, one audience)', async () => {
    await rejects(await signWith({ kid, typ: 'JWT' }, payload({ aud: [AUDIENCE, 'spiffe://charon.local/other/service'] })), 'ERR_JWT_AUDIENCE_INVALID');
  });

  it('refuses a token without aud (a bearer token good anywhere)', async () => {
    const body = payload();
    delete body.aud;
    await rejects(await signWith({ kid, typ: 'JWT' }, body), 'ERR_JWT_AUDIENCE_INVALID');
  });

  it('refuses a token from another issuer', async () => {
    await rejects(signJwtSvid(key, claims({ issuer: 'spiffe://evil.example/charon/authority' })), 'ERR_JWT_ISSUER_INVALID');
    const body = payload();
    delete body.iss;
    await rejects(await signWith({ kid, typ: 'JWT' }, body), 'ERR_JWT_ISSUER_INVALID');
  });

  it('refuses a sub in another trust domain', async () => {
    await rejects(signJwtSvid(key, claims({ spiffeId: 'spiffe://evil.example/agent/builder' })), 'ERR_JWT_CLAIM_INVALID');
  });

  it.each([
    ['a plain name', 'builder'],
    ['an https URL', 'https://charon.local/agent/builder'],
    ['an uppercase trust domain', 'spiffe://CHARON.local/agent/builder'],
    ['a traversal segment', 'spiffe://charon.local/agent/../owner/alice'],
    ['a query string', 'spiffe://charon.local/agent/builder?admin=1'],
    ['userinfo smuggling another domain', 'spiffe://charon.local@evil.example/agent/builder'],
    ['a port', 'spiffe://charon.local:443/agent/builder'],
  ])('refuses a sub that is not a SPIFFE ID of this domain: %s', async (_name, sub) => {
    await rejects(await signWith({ kid, typ: 'JWT' }, payload({ sub })), 'ERR_JWT_CLAIM_INVALID');
  });

  it('refuses a token without sub', async () => {
    const body = payload();
    delete body.sub;
    await rejects(await signWith({ kid, typ: 'JWT' }, body), 'ERR_JWT_CLAIM_INVALID');
  });

  it.each([
    ['scope as an array', { scope: ['files:read', 'files:write'] }],
    ['an unknown env', { env: 'root' }],
    ['a cnf without jkt', { cnf: { jwk: { kty: 'EC' } } }],
    ['an oversized jti', { jti: 'j'.repeat(129) }],
  ])('refuses a well-signed token with %s', async (_name, extra) => {
    await rejects(await signWith({ kid, typ: 'JWT' }, payload(extra as JWTPayload)), 'ERR_JWT_CLAIM_INVALID');
  });
});

describe('verifyJwtSvid refuses tampering', () => {
  it('refuses a payload re-encoded with a wider scope under the original signature', async () => {
    const [header, body, signature] = (signJwtSvid(key, claims())).split('.');
    const widened = { ...(JSON.parse(Buffer.from(body ?? '', 'base64url').toString()) as JWTPayload), scope: 'files:read files:write admin' };
    await rejects(`${header}.${b64json(widened)}.${signature}`, 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED');
  });

  it('refuses a header re-encoded under the original signature (typ swapped)', async () => {
    const [, body, signature] = (signJwtSvid(key, claims())).split('.');
    await rejects(`${b64json({ alg: 'ES256', kid, typ: 'JOSE' })}.${body}.${signature}`, 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED');
  });

  it('refuses a truncated or stripped signature', async () => {
    const token = signJwtSvid(key, claims());
    const [header, body] = token.split('.');
    await rejects(`${header}.${body}.`, 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED');
    await rejects(token.slice(0, -4), 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED');
  });

  it('refuses a JWE, a JSON serialization and oversized input instead of parsing them', async () => {
    await rejects('a.b.c.d.e', 'ERR_JWT_MALFORMED');
    await rejects(JSON.stringify({ payload: 'x', signatures: [] }), 'ERR_JWT_MALFORMED');
    await rejects(`${'a'.repeat(9000)}.b.c`, 'ERR_JWT_MALFORMED');
  });
});
