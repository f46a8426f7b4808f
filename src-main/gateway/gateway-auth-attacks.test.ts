// Attacks on who may reach the gateway at all, each named after the attack: no token, expired,
// revoked mid-session, identity IDLE/REVOKED, wrong audience, forged, prod without DPoP, another
// agent's session, DNS rebinding (Host/Origin), oversize and malformed JSON-RPC bodies.
import { request } from 'node:http';
import { generateKeyPair, SignJWT } from 'jose';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { grantSpecSchema } from '../../src-shared/grant.js';
import { INITIALIZE, MCP_HEADERS, openGatewayHarness, rawRequest, refusalOf, textOf, type GatewayHarness } from '../test-support/gateway-harness.js';

let h: GatewayHarness;
let n = 0;

beforeAll(async () => {
  h = await openGatewayHarness({ servers: ['everything'] });
}, 30_000);

afterAll(async () => {
  await h?.close();
});

/** A fresh ACTIVE agent with a grant for everything/echo, and a Bearer token for it. */
async function agentWithToken(options: { environment?: 'dev' | 'prod'; ttlSeconds?: number; audience?: string } = {}): Promise<{ id: string; token: string; jti: string; grantId: string }> {
  const id = `a${++n}`;
  const environment = options.environment ?? 'dev';
  await h.activeAgent(id, { environment });
  // Prod grants need the owner's passkey; the prod attack is refused before any grant is read.
  const grant = environment === 'dev' ? await h.grant({ agentId: id, environment, servers: { everything: { tools: { echo: {} } } } }) : null;
  const { token, jti } = await h.issue(id, { ttlSeconds: options.ttlSeconds, audience: options.audience });
  return { id, token, jti, grantId: grant?.id ?? '' };
}

const echo = (client: Client, message = 'hi') => client.callTool({ name: 'everything__echo', arguments: { message } });
const mcpUrl = (path = '/mcp') => `${h.url}${path}`;

async function connected(token: string, path = '/mcp'): Promise<Client> {
  const client = await h.connect(h.bearerTransport(token, path));
  expect(textOf(await echo(client, 'connected'))).toContain('connected');
  return client;
}

describe('no token', () => {
  it('no token: 401 ERR_UNAUTHENTICATED with WWW-Authenticate pointing at the protected-resource metadata', async () => {
    const res = await rawRequest(mcpUrl(), { method: 'POST', headers: MCP_HEADERS, body: JSON.stringify(INITIALIZE) });
    expect(res.status).toBe(401);
    expect(res.code).toBe('ERR_UNAUTHENTICATED');
    expect((res.body as { error: { code: number } }).error.code).toBe(-32003);
    const challenge = res.headers.get('www-authenticate') ?? '';
    const metadataUrl = `${h.url}/.well-known/oauth-protected-resource/mcp`;
    expect(challenge).toContain(`Bearer resource_metadata="${metadataUrl}"`);
    expect(challenge).toContain('DPoP algs=');
    const metadata = (await (await fetch(metadataUrl)).json()) as { resource: string; authorization_servers: string[] };
    expect(metadata.resource).toBe(`${h.url}/mcp`);
    expect(metadata.authorization_servers).toEqual([h.url]);
  });

  it('no token on /mcp/<server>: the challenge names that path’s metadata', async () => {
    const res = await rawRequest(mcpUrl('/mcp/everything'), { method: 'POST', headers: MCP_HEADERS, body: JSON.stringify(INITIALIZE) });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toContain(`resource_metadata="${h.url}/.well-known/oauth-protected-resource/mcp/everything"`);
  });

  it('no token with the SDK client: initialize fails with 401 ERR_UNAUTHENTICATED', async () => {
    const { StreamableHTTPClientTransport } = await import('@modelcontextprotocol/sdk/client/streamableHttp.js');
    expect(await refusalOf(h.connect(new StreamableHTTPClientTransport(new URL(mcpUrl()))))).toMatchObject({ status: 401, code: 'ERR_UNAUTHENTICATED' });
  });

  it('garbage token: 401 with invalid_token', async () => {
    const res = await rawRequest(mcpUrl(), { method: 'POST', headers: { ...MCP_HEADERS, authorization: 'Bearer not.a.jwt' }, body: JSON.stringify(INITIALIZE) });
    expect(res.status).toBe(401);
    expect(res.code).toBe('ERR_JWT_MALFORMED');
    expect(res.headers.get('www-authenticate')).toContain('error="invalid_token"');
  });

  it('forged token (signed by an attacker key under a real kid): 401', async () => {
    const { token } = await agentWithToken();
    const header = JSON.parse(Buffer.from(token.split('.')[0] as string, 'base64url').toString()) as { kid: string };
    const claims = JSON.parse(Buffer.from(token.split('.')[1] as string, 'base64url').toString()) as Record<string, unknown>;
    const { privateKey } = await generateKeyPair('ES256');
    const forged = await new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: header.kid, typ: 'JWT' }).sign(privateKey);
    expect(await refusalOf(h.connect(h.bearerTransport(forged)))).toMatchObject({ status: 401, code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' });
  });

  it('alg none token: 401', async () => {
    const { token } = await agentWithToken();
    const [, payload] = token.split('.');
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${payload}.`;
    const res = await rawRequest(mcpUrl(), { method: 'POST', headers: { ...MCP_HEADERS, authorization: `Bearer ${none}` }, body: JSON.stringify(INITIALIZE) });
    expect(res.status).toBe(401);
    expect(res.code).toBe('ERR_JOSE_ALG_NOT_ALLOWED');
  });
});

describe('credential state is checked on every request', () => {
  it('expired token (clock advanced past exp and its leeway): the next call is 401 ERR_JWT_EXPIRED', async () => {
    const { token } = await agentWithToken({ ttlSeconds: 60 });
    const client = await connected(token);
    // Past exp and the verifier's 5 s leeway for clock skew.
    h.clock.advance(66_000);
    expect(await refusalOf(echo(client))).toMatchObject({ status: 401, code: 'ERR_JWT_EXPIRED' });
    await client.close();
  });

  it('credential revoked mid-session: the very next call is 401 ERR_CREDENTIAL_REVOKED', async () => {
    const { token, jti } = await agentWithToken();
    const client = await connected(token);
    expect(textOf(await echo(client, 'before'))).toContain('before');
    await h.plane.handlers['credentials.revoke']({ jti, reason: 'compromised' });
    const refused = await refusalOf(echo(client, 'after'));
    expect(refused).toMatchObject({ status: 401, code: 'ERR_CREDENTIAL_REVOKED' });
    await client.close();
  });

  it('identity moved to IDLE mid-session: refused 401 ERR_IDENTITY_NOT_ACTIVE; back to ACTIVE, allowed again', async () => {
    const { id, token } = await agentWithToken();
    const client = await connected(token);
    await h.plane.handlers['identities.transition']({ id, to: 'IDLE' });
    expect(await refusalOf(echo(client))).toMatchObject({ status: 401, code: 'ERR_IDENTITY_NOT_ACTIVE' });
    await h.plane.handlers['identities.transition']({ id, to: 'ACTIVE' });
    expect(textOf(await echo(client, 'awake'))).toContain('awake');
    await client.close();
  });

  it('identity REVOKED mid-session (its credentials are revoked with it): the next call is 401 ERR_CREDENTIAL_REVOKED', async () => {
    const { id, token } = await agentWithToken();
    const client = await connected(token);
    await h.plane.handlers['identities.revoke']({ id, reason: 'left the team' });
    expect(await refusalOf(echo(client))).toMatchObject({ status: 401, code: 'ERR_CREDENTIAL_REVOKED' });
    await client.close().catch(() => undefined);
  });

  it('kill switch mid-session (identity REVOKED and every credential revoked): the next call is 401 ERR_CREDENTIAL_REVOKED', async () => {
    const { id, token } = await agentWithToken();
    const client = await connected(token);
    await h.plane.handlers['identities.kill']({ id, reason: 'compromised' });
    expect(await refusalOf(echo(client))).toMatchObject({ status: 401, code: 'ERR_CREDENTIAL_REVOKED' });
    await client.close().catch(() => undefined);
  });

  it('kill switch closes the agent\'s open MCP sessions at once (a revoked agent keeps no session or stream)', async () => {
    const { id, token } = await agentWithToken();
    const client = await connected(token);
    expect(h.plane.gateway.gateway.sessions.ofAgent(id).length).toBe(1);
    await h.plane.handlers['identities.kill']({ id, reason: 'compromised' });
    await vi.waitFor(() => expect(h.plane.gateway.gateway.sessions.ofAgent(id)).toEqual([]));
    await client.close().catch(() => undefined);
  });

  it('wrong audience (a token minted for another service): 401 ERR_JWT_AUDIENCE_INVALID', async () => {
    const { token } = await agentWithToken({ audience: 'spiffe://charon.local/service/billing' });
    expect(await refusalOf(h.connect(h.bearerTransport(token)))).toMatchObject({ status: 401, code: 'ERR_JWT_AUDIENCE_INVALID' });
  });

  it('prod requires DPoP: an unbound prod token is refused at the gateway with 401 ERR_DPOP_REQUIRED', async () => {
    const { token } = await agentWithToken({ environment: 'prod' });
    expect(await refusalOf(h.connect(h.bearerTransport(token)))).toMatchObject({ status: 401, code: 'ERR_DPOP_REQUIRED' });
  });

  it('grant revoked mid-session: the next call is 403 ERR_TOOL_NOT_ALLOWED and tools/list is empty', async () => {
    const { token, grantId } = await agentWithToken();
    const client = await connected(token);
    expect((await client.listTools()).tools.map((t) => t.name)).toEqual(['everything__echo']);
    await h.plane.handlers['grants.revoke']({ id: grantId, reason: 'no longer needed' });
    expect(await refusalOf(echo(client))).toMatchObject({ status: 403, code: 'ERR_TOOL_NOT_ALLOWED' });
    expect((await client.listTools()).tools).toEqual([]);
    await client.close();
  });

  it('grant narrowed mid-session: the tool taken away is refused on the next call and gone from tools/list', async () => {
    const id = `a${++n}`;
    await h.activeAgent(id);
    const wide = await h.grant({ agentId: id, environment: 'dev', servers: { everything: { tools: { echo: {}, 'get-sum': {} } } } });
    const { token } = await h.issue(id);
    const client = await connected(token);
    expect(textOf(await client.callTool({ name: 'everything__get-sum', arguments: { a: 1, b: 2 } }))).toContain('3');
    await h.plane.handlers['grants.narrow']({ id: wide.id, spec: grantSpecSchema.parse({ agentId: id, environment: 'dev', servers: { everything: { tools: { echo: {} } } } }) });
    expect(await refusalOf(client.callTool({ name: 'everything__get-sum', arguments: { a: 1, b: 2 } }))).toMatchObject({ status: 403, code: 'ERR_TOOL_NOT_ALLOWED' });
    expect((await client.listTools()).tools.map((t) => t.name)).toEqual(['everything__echo']);
    await client.close();
  });

  it('grant expired mid-session (clock advanced past expiresAt): the next call is 403 ERR_TOOL_NOT_ALLOWED', async () => {
    const id = `a${++n}`;
    await h.activeAgent(id);
    await h.grant({ agentId: id, environment: 'dev', servers: { everything: { tools: { echo: {} } } }, expiresAt: h.clock.now() + 120_000 });
    const { token } = await h.issue(id);
    const client = await connected(token);
    h.clock.advance(121_000);
    expect(await refusalOf(echo(client))).toMatchObject({ status: 403, code: 'ERR_TOOL_NOT_ALLOWED' });
    await client.close();
  });
});

describe('sessions are bound to the agent that opened them', () => {
  it("session hijack: another agent's credential with that Mcp-Session-Id is 404 ERR_SESSION_NOT_FOUND", async () => {
    const victim = await agentWithToken();
    const attacker = await agentWithToken();
    const transport = h.bearerTransport(victim.token);
    const client = await h.connect(transport);
    const sessionId = transport.sessionId as string;
    expect(sessionId).toMatch(/^[0-9a-f-]{36}$/);
    const call = { jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'everything__echo', arguments: { message: 'stolen' } } };
    const res = await rawRequest(mcpUrl(), {
      method: 'POST',
      headers: { ...MCP_HEADERS, authorization: `Bearer ${attacker.token}`, 'mcp-session-id': sessionId, 'mcp-protocol-version': '2025-06-18' },
      body: JSON.stringify(call),
    });
    expect(res.status).toBe(404);
    expect(res.code).toBe('ERR_SESSION_NOT_FOUND');
    // The victim's own session still works.
    expect(textOf(await echo(client, 'mine'))).toContain('mine');
    await client.close();
  });

  it("session teardown by another agent (DELETE with the victim's Mcp-Session-Id) or its stream opened (GET): 404, the session lives on", async () => {
    const victim = await agentWithToken();
    const attacker = await agentWithToken();
    const transport = h.bearerTransport(victim.token);
    const client = await h.connect(transport);
    const headers = { authorization: `Bearer ${attacker.token}`, 'mcp-session-id': transport.sessionId as string, 'mcp-protocol-version': '2025-06-18' };
    expect(await rawRequest(mcpUrl(), { method: 'DELETE', headers })).toMatchObject({ status: 404, code: 'ERR_SESSION_NOT_FOUND' });
    expect(await rawRequest(mcpUrl(), { method: 'GET', headers: { ...headers, accept: 'text/event-stream' } })).toMatchObject({ status: 404, code: 'ERR_SESSION_NOT_FOUND' });
    expect(textOf(await echo(client, 'still mine'))).toContain('still mine');
    // The owner of the session may end it.
    await transport.terminateSession();
    expect(h.plane.gateway.gateway.sessions.find(transport.sessionId ?? '', victim.id, { kind: 'all' })).toBeNull();
    await client.close();
  });

  it('session moved to another path (/mcp session used on /mcp/everything): 404 ERR_SESSION_NOT_FOUND', async () => {
    const { token } = await agentWithToken();
    const transport = h.bearerTransport(token);
    const client = await h.connect(transport);
    const res = await rawRequest(mcpUrl('/mcp/everything'), {
      method: 'POST',
      headers: { ...MCP_HEADERS, authorization: `Bearer ${token}`, 'mcp-session-id': transport.sessionId as string, 'mcp-protocol-version': '2025-06-18' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    expect(res).toMatchObject({ status: 404, code: 'ERR_SESSION_NOT_FOUND' });
    await client.close();
  });

  it('guessed session id: 404 ERR_SESSION_NOT_FOUND; an overlong one 400 ERR_INVALID_INPUT', async () => {
    const { token } = await agentWithToken();
    const headers = { ...MCP_HEADERS, authorization: `Bearer ${token}` };
    const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' });
    expect(await rawRequest(mcpUrl(), { method: 'POST', headers: { ...headers, 'mcp-session-id': '00000000-0000-4000-8000-000000000000' }, body })).toMatchObject({ status: 404, code: 'ERR_SESSION_NOT_FOUND' });
    expect(await rawRequest(mcpUrl(), { method: 'POST', headers: { ...headers, 'mcp-session-id': 'x'.repeat(200) }, body })).toMatchObject({ status: 400, code: 'ERR_INVALID_INPUT' });
  });

  it('request without a session after initialize: 400 ERR_INVALID_INPUT', async () => {
    const { token } = await agentWithToken();
    const res = await rawRequest(mcpUrl(), { method: 'POST', headers: { ...MCP_HEADERS, authorization: `Bearer ${token}` }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }) });
    expect(res).toMatchObject({ status: 400, code: 'ERR_INVALID_INPUT' });
  });
});

/** Raw request, for headers fetch will not let us forge (Host). */
function rawPost(path: string, headers: Record<string, string>, body: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: h.listener.port, path, method: 'POST', headers }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('transport-level attacks', () => {
  it('DNS rebinding, bad Origin: 403 ERR_BAD_ORIGIN even with a valid token', async () => {
    const { token } = await agentWithToken();
    const res = await rawRequest(mcpUrl(), { method: 'POST', headers: { ...MCP_HEADERS, authorization: `Bearer ${token}`, origin: 'http://attacker.example' }, body: JSON.stringify(INITIALIZE) });
    expect(res).toMatchObject({ status: 403, code: 'ERR_BAD_ORIGIN' });
  });

  it('DNS rebinding, bad Host: 403 ERR_BAD_HOST even with a valid token', async () => {
    const { token } = await agentWithToken();
    const res = await rawPost('/mcp', { ...MCP_HEADERS, host: 'attacker.example', authorization: `Bearer ${token}` }, JSON.stringify(INITIALIZE));
    expect(res.status).toBe(403);
    expect((JSON.parse(res.body) as { code: string }).code).toBe('ERR_BAD_HOST');
  });

  it('the listener’s own origins are accepted (a browser on the same loopback port)', async () => {
    const { token } = await agentWithToken();
    const res = await rawRequest(mcpUrl(), { method: 'POST', headers: { ...MCP_HEADERS, authorization: `Bearer ${token}`, origin: h.url }, body: JSON.stringify(INITIALIZE) });
    expect(res.status).toBe(200);
  });

  it('oversize body (over 4 MiB): 413 ERR_PAYLOAD_TOO_LARGE, refused before authentication work', async () => {
    const { token } = await agentWithToken();
    const big = JSON.stringify({ ...INITIALIZE, params: { ...INITIALIZE.params, pad: 'a'.repeat(5 * 1024 * 1024) } });
    const res = await rawRequest(mcpUrl(), { method: 'POST', headers: { ...MCP_HEADERS, authorization: `Bearer ${token}` }, body: big });
    expect(res).toMatchObject({ status: 413, code: 'ERR_PAYLOAD_TOO_LARGE' });
  });

  it('malformed JSON-RPC: a batch array, a non-object, bad JSON, a wrong content type are refused and change nothing', async () => {
    const { token } = await agentWithToken();
    const headers = { ...MCP_HEADERS, authorization: `Bearer ${token}` };
    const before = await h.headSeq();
    const sessions = h.plane.gateway.gateway.sessions.size;
    const post = (body: string, extra: Record<string, string> = {}) => rawRequest(mcpUrl(), { method: 'POST', headers: { ...headers, ...extra }, body });
    expect(await post(JSON.stringify([INITIALIZE]))).toMatchObject({ status: 400, code: 'ERR_INVALID_INPUT' });
    expect(await post(JSON.stringify([INITIALIZE, { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'everything__get-env' } }]))).toMatchObject({ status: 400, code: 'ERR_INVALID_INPUT' });
    expect(await post('"initialize"')).toMatchObject({ status: 400, code: 'ERR_INVALID_INPUT' });
    expect(await post('42')).toMatchObject({ status: 400, code: 'ERR_INVALID_INPUT' });
    expect(await post('null')).toMatchObject({ status: 400, code: 'ERR_INVALID_INPUT' });
    expect(await post('{"jsonrpc":"2.0","id":1,"method":')).toMatchObject({ status: 400, code: 'ERR_INVALID_INPUT' });
    expect(await post(JSON.stringify({ ...INITIALIZE, id: { evil: true } }))).toMatchObject({ status: 400, code: 'ERR_INVALID_INPUT' });
    expect(await post(JSON.stringify(INITIALIZE), { 'content-type': 'text/plain' })).toMatchObject({ status: 415, code: 'ERR_UNSUPPORTED_MEDIA_TYPE' });
    expect(await h.headSeq()).toBe(before);
    expect(h.plane.gateway.gateway.sessions.size).toBe(sessions);
  });

  it('a decided method inside an unknown session leaks nothing and records nothing', async () => {
    const { token } = await agentWithToken();
    const before = await h.headSeq();
    const res = await rawRequest(mcpUrl(), {
      method: 'POST',
      headers: { ...MCP_HEADERS, authorization: `Bearer ${token}`, 'mcp-session-id': 'nope' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'everything__echo', arguments: {} } }),
    });
    expect(res).toMatchObject({ status: 404, code: 'ERR_SESSION_NOT_FOUND' });
    expect(await h.headSeq()).toBe(before);
  });
});
