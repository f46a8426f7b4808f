import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { openTestPlane, type TestPlane } from '../test-support/control-plane.js';
import { startAgentListener, type AgentListener } from './agent-listener.js';

let t: TestPlane;
let listener: AgentListener;
afterEach(async () => {
  await listener?.close();
  await t?.close();
});

async function setup(): Promise<{ svid: string }> {
  t = await openTestPlane();
  listener = await startAgentListener(t.plane, { port: 0 });
  await t.plane.handlers['identities.register']({ id: 'builder', owner: 'alice', environment: 'dev', selectors: [], scopes: ['files:read', 'files:write'] });
  const { token } = await t.plane.handlers['joinTokens.create']({ agentId: 'builder' });
  const res = await post('/v1/attest/join-token', { agent_id: 'builder', token });
  expect(res.status).toBe(200);
  return (await res.json()) as { svid: string };
}

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${listener.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

const codeOf = async (res: Response) => ((await res.json()) as { code: string }).code;

/** Raw request, for headers fetch will not let us forge (Host). */
function rawGet(path: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: listener.port, path, headers }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('agent listener', () => {
  it('attests with a join token and returns a JWT-SVID for the agent itself', async () => {
    const { svid } = await setup();
    const verified = await t.plane.authority.verify(svid);
    expect(verified.spiffeId).toBe('spiffe://charon.local/agent/builder');
  });

  it('operator operations are unreachable from the agent listener (no agent request changes operator state)', async () => {
    const { svid } = await setup();
    const before = await t.plane.handlers['audit.list']({ limit: 5000 });
    for (const path of ['/api/identities.register', '/v1/identities', '/v1/grants', '/v1/keys/rotate', '/v1/audit']) {
      const res = await post(path, { id: 'evil', owner: 'mallory', environment: 'prod' }, { authorization: `Bearer ${svid}` });
      expect(res.status).toBe(404);
      expect(await codeOf(res)).toBe('ERR_NOT_FOUND');
    }
    expect(await t.plane.handlers['identities.list']({})).toHaveLength(1);
    expect(await t.plane.handlers['audit.list']({ limit: 5000 })).toHaveLength(before.length);
  });

  it('an agent cannot obtain credentials for another agent (acts only on itself)', async () => {
    const { svid } = await setup();
    await t.plane.handlers['identities.register']({ id: 'victim', owner: 'bob', environment: 'prod', selectors: [], scopes: ['payments:send'] });
    const res = await post('/v1/credentials', { agent_id: 'victim' }, { authorization: `Bearer ${svid}` });
    expect(res.status).toBe(400);
    expect(await codeOf(res)).toBe('ERR_INVALID_INPUT');
    const widened = await post('/v1/credentials', { scope: 'payments:send' }, { authorization: `Bearer ${svid}` });
    expect(await codeOf(widened)).toBe('ERR_SCOPE_NOT_ALLOWED');
    const narrowed = await post('/v1/credentials', { scope: 'files:read' }, { authorization: `Bearer ${svid}` });
    expect(narrowed.status).toBe(200);
  });

  it('requests without a credential get 401 ERR_UNAUTHENTICATED, with the Bearer and DPoP challenges', async () => {
    await setup();
    const res = await post('/v1/credentials', {});
    expect(res.status).toBe(401);
    expect(await codeOf(res)).toBe('ERR_UNAUTHENTICATED');
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer resource_metadata="http:\/\/127\.0\.0\.1:\d+\/\.well-known\/oauth-protected-resource", DPoP algs="ES256/);
  });

  it('a bad token at /v1/* is 401 with a Bearer invalid_token challenge (RFC 6750 §3), as at the gateway', async () => {
    await setup();
    const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    const unknownKey = `${b64({ alg: 'ES256', kid: 'no-such-key', typ: 'JWT' })}.${b64({ sub: 'spiffe://charon.local/agent/x' })}.${'A'.repeat(86)}`;
    for (const path of ['/v1/credentials', '/v1/credentials/rotate', '/v1/grant-requests']) {
      const res = await post(path, {}, { authorization: `Bearer ${unknownKey}` });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_token", error_description="[^"]*", resource_metadata="[^"]+", DPoP error="invalid_token"/);
    }
    // Not an authentication failure: no challenge.
    const attest = await post('/v1/attest/join-token', { agent_id: 'nobody', token: 'x'.repeat(32) });
    expect(attest.status).not.toBe(200);
    if (attest.status !== 401 && attest.status !== 403) expect(attest.headers.get('www-authenticate')).toBeNull();
  });

  it('DNS rebinding: a foreign Host or Origin is refused', async () => {
    await setup();
    const host = await rawGet('/.well-known/jwks.json', { host: 'attacker.example:80' });
    expect(host.status).toBe(403);
    expect(JSON.parse(host.body).code).toBe('ERR_BAD_HOST');
    const origin = await rawGet('/.well-known/jwks.json', { host: `127.0.0.1:${listener.port}`, origin: 'http://attacker.example' });
    expect(origin.status).toBe(403);
    expect(JSON.parse(origin.body).code).toBe('ERR_BAD_ORIGIN');
  });

  it('bad input gets a typed error and changes nothing: wrong content type, oversized and malformed bodies', async () => {
    await setup();
    const before = (await t.plane.handlers['audit.list']({ limit: 5000 })).length;
    const form = await fetch(`${listener.url}/v1/attest/join-token`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x' });
    expect(await codeOf(form)).toBe('ERR_UNSUPPORTED_MEDIA_TYPE');
    const huge = await fetch(`${listener.url}/v1/attest/join-token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: `"${'a'.repeat(100_000)}"` });
    expect(huge.status).toBe(413);
    expect(await codeOf(huge)).toBe('ERR_PAYLOAD_TOO_LARGE');
    const broken = await fetch(`${listener.url}/v1/attest/join-token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"agent_id":' });
    expect(await codeOf(broken)).toBe('ERR_INVALID_INPUT');
    const method = await fetch(`${listener.url}/v1/attest/join-token`);
    expect(await codeOf(method)).toBe('ERR_METHOD_NOT_ALLOWED');
    expect((await t.plane.handlers['audit.list']({ limit: 5000 })).length).toBe(before);
  });

  it('serves the SPIFFE trust bundle and RFC 7662 introspection', async () => {
    const { svid } = await setup();
    const bundle = (await (await fetch(`${listener.url}/.well-known/spiffe-bundle`)).json()) as { keys: { use: string; kid: string }[]; spiffe_sequence: number };
    expect(bundle.keys[0]).toMatchObject({ use: 'jwt-svid', kty: 'EC', crv: 'P-256' });
    const introspect = (token: string) =>
      fetch(`${listener.url}/v1/introspect`, { method: 'POST', headers: { authorization: `Bearer ${svid}`, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ token }) });
    expect(await (await introspect(svid)).json()).toMatchObject({ active: true, sub: 'spiffe://charon.local/agent/builder', token_type: 'Bearer' });
    expect(await (await introspect('not.a.token')).json()).toEqual({ active: false });
  });
});
