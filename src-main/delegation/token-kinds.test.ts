// Issue 13, item 7: delegated tokens (and OAuth access tokens) are RFC 9068 JWT access tokens,
// signed with the authorization server's keys (its jwks_uri), never with a key of the SPIFFE
// bundle: a JWT-SVID validator holding Charon's bundle cannot take the agent holding one for
// the owner's SPIFFE id. Charon accepts each kind only where it belongs.
import { decodeProtectedHeader, importJWK, jwtVerify, type JWK, type JWTPayload } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openGatewayHarness, type GatewayHarness, type TestAgent } from '../test-support/gateway-harness.js';

let h: GatewayHarness;
let agent: TestAgent;

beforeAll(async () => {
  h = await openGatewayHarness({ servers: ['everything'] });
  agent = await h.agent('kinds', { dpop: false });
  await h.grant({ agentId: 'kinds', environment: 'dev', servers: { everything: { tools: { echo: {} } } } });
}, 30_000);
afterAll(async () => h?.close());

const json = async <T>(path: string): Promise<T> => (await (await fetch(`${h.url}${path}`)).json()) as T;

/** A JWT-SVID validator as the SPIFFE standard describes it, from Charon's bundle only. */
async function spiffeValidate(token: string, bundle: { keys: (JWK & { use?: string })[] }): Promise<JWTPayload> {
  const { kid, typ, alg } = decodeProtectedHeader(token);
  if (typ !== undefined && typ !== 'JWT' && typ !== 'JOSE') throw new Error(`a JWT-SVID's typ is JWT or JOSE, not ${String(typ)}`);
  const jwk = bundle.keys.find((k) => k.kid === kid && k.use === 'jwt-svid');
  if (!jwk) throw new Error('no key of the SPIFFE bundle signed it');
  const { use: _use, ...key } = jwk;
  const { payload } = await jwtVerify(token, await importJWK(key, alg), { currentDate: new Date(h.clock.now()) });
  return payload;
}

describe('token kinds', () => {
  it('an agent credential is a JWT-SVID the SPIFFE validator accepts (the validator below is not vacuous)', async () => {
    const bundle = await json<{ keys: JWK[] }>('/.well-known/spiffe-bundle');
    expect((await spiffeValidate(await agent.token(), bundle)).sub).toBe('spiffe://charon.local/agent/kinds');
  });

  it('delegated token accepted by a SPIFFE validator as the owner: refused; it is an at+jwt of the authorization server', async () => {
    const { token } = await h.plane.handlers['delegation.authorize']({ ownerId: 'alice', agentId: 'kinds' });
    const bundle = await json<{ keys: JWK[] }>('/.well-known/spiffe-bundle');
    await expect(spiffeValidate(token, bundle)).rejects.toThrow(/typ is JWT or JOSE/);
    // Even ignoring typ, no bundle key signed it.
    const asJwks = await json<{ keys: (JWK & { kid: string })[] }>('/oauth/jwks');
    expect(bundle.keys.map((k) => k.kid)).not.toContain(decodeProtectedHeader(token).kid);
    expect(asJwks.keys.map((k) => k.kid)).toContain(decodeProtectedHeader(token).kid);
    // With the authorization server's jwks_uri (from its metadata) it verifies as an RFC 9068 access token.
    const metadata = await json<{ jwks_uri: string; issuer: string }>('/.well-known/oauth-authorization-server');
    expect(metadata.jwks_uri).toBe(`${h.url}/oauth/jwks`);
    const key = asJwks.keys.find((k) => k.kid === decodeProtectedHeader(token).kid) as JWK;
    const { payload, protectedHeader } = await jwtVerify(token, await importJWK(key, 'ES256'), { typ: 'at+jwt', currentDate: new Date(h.clock.now()) });
    expect(protectedHeader.typ).toBe('at+jwt');
    expect(payload).toMatchObject({ sub: 'spiffe://charon.local/owner/alice', client_id: 'spiffe://charon.local/agent/kinds' });
  });

  it('delegated token used as an agent identity at /v1/credentials: refused 401 ERR_TOKEN_KIND; at the gateway it is accepted', async () => {
    const { token } = await h.plane.handlers['delegation.authorize']({ ownerId: 'alice', agentId: 'kinds' });
    const res = await fetch(`${h.url}/v1/credentials`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: '{}' });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { code: string }).code).toBe('ERR_TOKEN_KIND');
    expect(await h.plane.handlers['credentials.introspect']({ token })).toMatchObject({ active: true, sub: 'spiffe://charon.local/owner/alice' });
  });

  it("an emergency rotation takes the authorization server's keys out of its JWKS at once, with every delegated token", async () => {
    const { token } = await h.plane.handlers['delegation.authorize']({ ownerId: 'alice', agentId: 'kinds' });
    const kid = decodeProtectedHeader(token).kid;
    expect((await json<{ keys: { kid: string }[] }>('/oauth/jwks')).keys.map((k) => k.kid)).toContain(kid);
    await h.plane.handlers['keys.emergencyRotate']({ reason: 'leak drill' });
    const after = (await json<{ keys: { kid: string }[] }>('/oauth/jwks')).keys.map((k) => k.kid);
    expect(after).not.toContain(kid);
    expect(after).toHaveLength(1);
    expect(await h.plane.handlers['credentials.introspect']({ token })).toEqual({ active: false });
  });
});

