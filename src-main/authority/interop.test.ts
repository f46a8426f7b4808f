// Interop: a relying party that knows only the served bundle, and uses another JOSE library
// (jsonwebtoken, not jose), must accept our JWT-SVIDs and refuse what we refuse.
import { createPublicKey, type JsonWebKey } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestAgentListener, type AgentListener } from '../test-support/agent-http.js';
import { openTestPlane, type TestPlane } from '../test-support/control-plane.js';

let t: TestPlane;
let listener: AgentListener | undefined;
afterEach(async () => {
  await listener?.close();
  listener = undefined;
  await t?.close();
});

interface ServedBundle {
  keys: Record<string, unknown>[];
  spiffe_sequence: unknown;
  spiffe_refresh_hint: unknown;
}

async function fetchBundle(path = '/.well-known/jwks.json'): Promise<ServedBundle> {
  const res = await fetch(`${listener?.url ?? ''}${path}`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  return (await res.json()) as ServedBundle;
}

/** What a relying party does: pick the key by kid from the bundle JSON, nothing else. */
function keyFromBundle(bundle: ServedBundle, token: string) {
  const kid = jwt.decode(token, { complete: true })?.header.kid;
  const jwk = bundle.keys.find((k) => k.kid === kid);
  if (!jwk) throw new Error(`no key ${String(kid)} in the served bundle`);
  return createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' });
}

async function setup() {
  t = await openTestPlane();
  listener = await startTestAgentListener(t.plane);
  await t.activeAgent('builder', { scopes: ['files:read', 'files:write'] });
  const { token, credential } = await t.plane.handlers['credentials.issue']({ agentId: 'builder', scope: ['files:read'] });
  return { token, credential, issuer: t.plane.config.issuer, audience: t.plane.config.audience };
}

describe('interop with another JOSE library, from the served bundle only', () => {
  it('an issued credential verifies with jsonwebtoken using only the bundle fetched over HTTP', async () => {
    const { token, credential, issuer, audience } = await setup();
    const bundle = await fetchBundle();
    // jsonwebtoken checks exp/nbf against the real clock; the plane's clock is manual, so pin it.
    const clockTimestamp = Math.floor(t.clock.now() / 1000);
    const claims = jwt.verify(token, keyFromBundle(bundle, token), { algorithms: ['ES256'], audience, issuer, clockTimestamp }) as jwt.JwtPayload;
    expect(claims).toMatchObject({
      iss: issuer,
      sub: 'spiffe://charon.local/agent/builder',
      aud: audience,
      jti: credential.jti,
      scope: 'files:read',
      env: 'dev',
      iat: credential.issuedAt / 1000,
      exp: credential.expiresAt / 1000,
    });
    expect(jwt.decode(token, { complete: true })?.header).toEqual({ alg: 'ES256', kid: credential.kid, typ: 'JWT' });
  });

  it('serves a SPIFFE bundle: keys with use "jwt-svid" and a kid, spiffe_sequence and spiffe_refresh_hint, no private parts', async () => {
    await setup();
    const bundle = await fetchBundle();
    expect(Object.keys(bundle).sort()).toEqual(['keys', 'spiffe_refresh_hint', 'spiffe_sequence']);
    expect(bundle.spiffe_sequence).toEqual(expect.any(Number));
    expect(bundle.spiffe_refresh_hint).toBe(t.plane.config.bundleRefreshHintSeconds);
    expect(bundle.keys).toHaveLength(1);
    for (const key of bundle.keys) {
      expect(key).toMatchObject({ kty: 'EC', crv: 'P-256', use: 'jwt-svid', kid: expect.any(String), x: expect.any(String), y: expect.any(String) });
      expect(key).not.toHaveProperty('d');
    }
    expect(await fetchBundle('/.well-known/spiffe-bundle')).toEqual(bundle);
  });

  it('the served bundle does not let another library accept a token with a widened scope or for another audience', async () => {
    const { token, issuer, audience } = await setup();
    const key = keyFromBundle(await fetchBundle(), token);
    const clockTimestamp = Math.floor(t.clock.now() / 1000);
    const [header, payload, signature] = token.split('.');
    const widened = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString()) as Record<string, unknown>;
    const tampered = `${header}.${Buffer.from(JSON.stringify({ ...widened, scope: 'files:read files:write' })).toString('base64url')}.${signature}`;
    expect(() => jwt.verify(tampered, key, { algorithms: ['ES256'], audience, issuer, clockTimestamp })).toThrow(/invalid signature/);
    expect(() => jwt.verify(token, key, { algorithms: ['ES256'], audience: 'spiffe://charon.local/other', issuer, clockTimestamp })).toThrow(/audience/);
  });

  it('after an emergency rotation, the served bundle no longer carries the key of any outstanding token', async () => {
    const { token } = await setup();
    const before = await fetchBundle();
    expect(() => keyFromBundle(before, token)).not.toThrow();
    await t.plane.handlers['keys.emergencyRotate']({ reason: 'key exposed' });
    const after = await fetchBundle();
    expect(() => keyFromBundle(after, token)).toThrow(/no key/);
    expect(after.spiffe_sequence as number).toBeGreaterThan(before.spiffe_sequence as number);
  });
});
