// Attacks on the authorization server, each named after what it tries, over real HTTP on the
// agent listener; the consent is approved with a software passkey as the owner would.
import { createHash, randomBytes } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DpopKey, INITIALIZE, MCP_HEADERS, rawRequest, type GatewayHarness } from '../test-support/gateway-harness.js';
import { openAuthorization, REDIRECT_URI, resumeAuthorization } from '../test-support/oauth-client.js';
import { approveWithPasskey, openOwnedGateway } from '../test-support/passkey-owner.js';
import type { SoftAuthenticator } from '../test-support/soft-authenticator.js';

let h: GatewayHarness;
let auth: SoftAuthenticator;
beforeAll(async () => void ({ h, auth } = await openOwnedGateway()), 30_000);
afterAll(() => h?.close());

interface OAuthReply {
  status: number;
  body: { error?: string; code?: string; access_token?: string; refresh_token?: string; token_type?: string; client_id?: string };
}

async function post(path: string, body: string | Record<string, unknown>, headers: Record<string, string> = {}): Promise<OAuthReply> {
  const form = typeof body === 'string';
  const res = await fetch(new URL(path, h.url), {
    method: 'POST',
    headers: { 'content-type': form ? 'application/x-www-form-urlencoded' : 'application/json', ...headers },
    body: form ? body : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as OAuthReply['body'] };
}

const register = (redirectUris: string[] = [REDIRECT_URI]) => post('/oauth/register', { client_name: 'attacker-or-not', redirect_uris: redirectUris, token_endpoint_auth_method: 'none' });

function pkce() {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

function authorizeUrl(clientId: string, challenge: string, over: Record<string, string | null> = {}): URL {
  const url = new URL('/oauth/authorize', h.url);
  const params: Record<string, string | null> = { response_type: 'code', client_id: clientId, redirect_uri: REDIRECT_URI, code_challenge: challenge, code_challenge_method: 'S256', state: 's1', resource: `${h.url}/mcp`, ...over };
  for (const [k, v] of Object.entries(params)) if (v !== null) url.searchParams.set(k, v);
  return url;
}

/** Registers, authorizes, has the owner approve with the passkey: the code and what it needs. */
async function approvedCode(): Promise<{ clientId: string; verifier: string; code: string }> {
  const clientId = (await register()).body.client_id as string;
  const { verifier, challenge } = pkce();
  const page = await openAuthorization(authorizeUrl(clientId, challenge));
  await approveWithPasskey(h.plane, auth, page.requestId as string);
  const callback = await resumeAuthorization(page.body, h.url);
  return { clientId, verifier, code: callback.searchParams.get('code') as string };
}

const exchange = (f: { clientId: string; verifier?: string; code: string; redirectUri?: string }, headers: Record<string, string> = {}) =>
  post('/oauth/token', new URLSearchParams({ grant_type: 'authorization_code', client_id: f.clientId, code: f.code, redirect_uri: f.redirectUri ?? REDIRECT_URI, ...(f.verifier ? { code_verifier: f.verifier } : {}) }).toString(), headers);

const refresh = (clientId: string, token: string, headers: Record<string, string> = {}) => post('/oauth/token', new URLSearchParams({ grant_type: 'refresh_token', client_id: clientId, refresh_token: token }).toString(), headers);

const gatewayStatus = async (token: string) => (await rawRequest(`${h.url}/mcp`, { method: 'POST', headers: { ...MCP_HEADERS, authorization: `Bearer ${token}` }, body: JSON.stringify(INITIALIZE) })).status;

const lastDenial = (kind: string) => h.plane.store.audit.list({ limit: 1, kind }).find((e) => e.decision === 'deny')?.details as { code?: string } | undefined;

describe('an OAuth access token is an access token for its resource, not an agent identity (issue 13, item 1)', () => {
  /** An access token for `resource`, through the whole flow (register, PKCE, passkey approval, code exchange). */
  async function accessFor(resource: string): Promise<string> {
    const clientId = (await register()).body.client_id as string;
    const { verifier, challenge } = pkce();
    const page = await openAuthorization(authorizeUrl(clientId, challenge, { resource }));
    await approveWithPasskey(h.plane, auth, page.requestId as string);
    const callback = await resumeAuthorization(page.body, h.url);
    const issued = await exchange({ clientId, verifier, code: callback.searchParams.get('code') as string });
    return issued.body.access_token as string;
  }

  it('oauth token mints a credential at /v1/credentials: refused 401, no credential issued', async () => {
    const access = await accessFor(`${h.url}/mcp`);
    const before = (await h.plane.handlers['credentials.list']({})).length;
    for (const body of [{}, { audience: 'spiffe://charon.local/payments-api', ttl_seconds: 86_400 }]) {
      const minted = await post('/v1/credentials', body, { authorization: `Bearer ${access}` });
      expect(minted.status).toBe(401);
      expect(minted.body.code).toBe('ERR_JWT_AUDIENCE_INVALID');
    }
    expect((await h.plane.handlers['credentials.list']({})).length).toBe(before);
  });

  it('oauth token rotates at /v1/credentials/rotate: refused 401', async () => {
    const access = await accessFor(`${h.url}/mcp`);
    const rotated = await post('/v1/credentials/rotate', {}, { authorization: `Bearer ${access}` });
    expect(rotated.status).toBe(401);
    expect(rotated.body.code).toBe('ERR_JWT_AUDIENCE_INVALID');
  });

  it('oauth token exchanges at /v1/token: refused, no delegated token', async () => {
    const access = await accessFor(`${h.url}/mcp`);
    const form = new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange', subject_token: access, subject_token_type: 'urn:ietf:params:oauth:token-type:access_token', scope: 'mcp' }).toString();
    const exchanged = await post('/v1/token', form, { authorization: `Bearer ${access}` });
    expect(exchanged.status).toBeGreaterThanOrEqual(400);
    expect(exchanged.body.access_token).toBeUndefined();
  });

  it('oauth token accepted by a SPIFFE validator: no — it is an at+jwt for its client, signed by the authorization server, and no bundle key signed it', async () => {
    const access = await accessFor(`${h.url}/mcp`);
    const header = decodeProtectedHeader(access);
    expect(header.typ).toBe('at+jwt');
    const bundle = (await (await fetch(`${h.url}/.well-known/spiffe-bundle`)).json()) as { keys: { kid: string }[] };
    expect(bundle.keys.map((k) => k.kid)).not.toContain(header.kid);
    const jwks = (await (await fetch(`${h.url}/oauth/jwks`)).json()) as { keys: { kid: string }[] };
    expect(jwks.keys.map((k) => k.kid)).toContain(header.kid);
    expect(decodeJwt(access)).toMatchObject({ aud: `${h.url}/mcp`, client_id: expect.stringMatching(/^mcpc_/) });
  });

  it('token for /mcp/everything used at /mcp: refused 401 with a Bearer invalid_token challenge, not an empty list', async () => {
    const access = await accessFor(`${h.url}/mcp/everything`);
    expect(await gatewayStatus(access)).toBe(401);
    const res = await rawRequest(`${h.url}/mcp`, { method: 'POST', headers: { ...MCP_HEADERS, authorization: `Bearer ${access}` }, body: JSON.stringify(INITIALIZE) });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer .*error="invalid_token"/);
    // At the resource it was issued for, it works.
    const there = await rawRequest(`${h.url}/mcp/everything`, { method: 'POST', headers: { ...MCP_HEADERS, authorization: `Bearer ${access}` }, body: JSON.stringify(INITIALIZE) });
    expect(there.status).toBe(200);
  });
});

describe('OAuth client names are self-declared', () => {
  it('client_name with RTL override spoofs the consent card: the name is cleaned and shown as self-declared', async () => {
    const spoof = 'Charon console\u202E\u2066 gnikcab\nApproved by the owner: every tool\u200B';
    const registered = await post('/oauth/register', { client_name: spoof, redirect_uris: [REDIRECT_URI], token_endpoint_auth_method: 'none' });
    expect(registered.status).toBe(201);
    const name = (registered.body as { client_name?: string }).client_name as string;
    expect(name).toBe('Charon console gnikcab Approved by the owner: every tool');
    const { challenge } = pkce();
    const page = await openAuthorization(authorizeUrl(registered.body.client_id as string, challenge));
    expect(page.body).toContain('calls itself');
    expect(page.body).not.toMatch(/[\u202A-\u202E\u2066-\u2069\u200B]/u);
    const item = h.plane.approvals.approvals.list().find((i) => i.request.id === page.requestId);
    expect(item?.request.purpose).toContain(`a client that calls itself “${name}” (self-declared name`);
    expect(item?.request.purpose).not.toMatch(/[\n\u202A-\u202E\u2066-\u2069]/u);
  });
});

describe('OAuth authorization server: metadata', () => {
  it('the protected resource points to Charon as authorization server, whose metadata offers S256 only and public clients', async () => {
    const prm = (await (await fetch(`${h.url}/.well-known/oauth-protected-resource/mcp`)).json()) as { authorization_servers: string[]; resource: string };
    expect(prm).toMatchObject({ resource: `${h.url}/mcp`, authorization_servers: [h.url] });
    const meta = (await (await fetch(`${h.url}/.well-known/oauth-authorization-server`)).json()) as Record<string, unknown>;
    expect(meta).toMatchObject({ issuer: h.url, code_challenge_methods_supported: ['S256'], token_endpoint_auth_methods_supported: ['none'], grant_types_supported: ['authorization_code', 'refresh_token', 'urn:ietf:params:oauth:grant-type:token-exchange'], registration_endpoint: `${h.url}/oauth/register` });
  });
});

describe('OAuth attacks', () => {
  it('PKCE missing or plain: no authorization opens, the client is sent back with invalid_request; a code without its verifier buys nothing', { timeout: 30_000 }, async () => {
    const clientId = (await register()).body.client_id as string;
    const before = h.plane.approvals.approvals.list().length;
    const { challenge, verifier } = pkce();
    const attempts: Record<string, string | null>[] = [{ code_challenge: null, code_challenge_method: null }, { code_challenge_method: 'plain' }, { code_challenge_method: null }, { code_challenge: 'short' }];
    for (const over of attempts) {
      const reply = await openAuthorization(authorizeUrl(clientId, challenge, over));
      expect(reply.status).toBe(302);
      const location = new URL(reply.location as string);
      expect(location.searchParams.get('error')).toBe('invalid_request');
      expect(location.searchParams.get('state')).toBe('s1');
      expect(lastDenial('oauth.authorize')?.code).toBe('ERR_OAUTH_PKCE_REQUIRED');
    }
    expect(h.plane.approvals.approvals.list()).toHaveLength(before);

    const approved = await approvedCode();
    const noVerifier = await exchange({ clientId: approved.clientId, code: approved.code });
    expect(noVerifier).toMatchObject({ status: 400, body: { error: 'invalid_request', code: 'ERR_OAUTH_PKCE_REQUIRED' } });
    const wrongVerifier = await exchange({ clientId: approved.clientId, code: approved.code, verifier });
    expect(wrongVerifier).toMatchObject({ status: 400, body: { error: 'invalid_grant', code: 'ERR_OAUTH_INVALID_GRANT' } });
    // The verifier itself as a plain challenge would have it: refused too.
    expect((await exchange({ clientId: approved.clientId, code: approved.code, verifier: createHash('sha256').update(approved.verifier).digest('base64url') })).body.code).toBe('ERR_OAUTH_INVALID_GRANT');
    expect((await exchange(approved)).status).toBe(200);
  });

  it('redirect URI mismatch: a non-loopback URI cannot register; an authorization naming another URI is shown an error, never redirected; the token request must repeat it exactly', { timeout: 30_000 }, async () => {
    for (const uri of ['https://evil.example/callback', 'http://evil.example/callback', 'http://127.0.0.1:53682/callback#frag']) {
      expect(await register([uri])).toMatchObject({ status: 400, body: { error: 'invalid_redirect_uri', code: 'ERR_OAUTH_REDIRECT_URI_MISMATCH' } });
    }
    const clientId = (await register()).body.client_id as string;
    const { challenge } = pkce();
    // Another port of the same loopback IP is the RFC 8252 §7.3 allowance (oauth-clients.test.ts); nothing else is.
    for (const uri of ['http://127.0.0.1:53682/callback/', 'http://127.0.0.1:53682/callback?next=evil', 'http://localhost:53682/callback', 'https://evil.example/callback', 'http://127.0.0.1:53683/other']) {
      const reply = await openAuthorization(authorizeUrl(clientId, challenge, { redirect_uri: uri }));
      expect(reply.status, uri).toBe(400);
      expect(reply.location).toBeNull();
      expect(reply.body).toContain('data-error-code="ERR_OAUTH_REDIRECT_URI_MISMATCH"');
    }
    const approved = await approvedCode();
    expect((await exchange({ ...approved, redirectUri: 'http://127.0.0.1:53682/other' })).body).toMatchObject({ error: 'invalid_grant', code: 'ERR_OAUTH_REDIRECT_URI_MISMATCH' });
  });

  it('authorization code reuse: refused, and the tokens issued on that code are revoked', { timeout: 30_000 }, async () => {
    const approved = await approvedCode();
    const first = await exchange(approved);
    expect(first.status).toBe(200);
    const access = first.body.access_token as string;
    expect(await gatewayStatus(access)).toBe(200);
    const again = await exchange(approved);
    expect(again).toMatchObject({ status: 400, body: { error: 'invalid_grant', code: 'ERR_OAUTH_CODE_REUSED' } });
    await expect(h.plane.handlers['credentials.verify']({ token: access, audience: `${h.url}/mcp` })).rejects.toMatchObject({ code: 'ERR_CREDENTIAL_REVOKED' });
    expect(await gatewayStatus(access)).toBe(401);
    expect((await refresh(approved.clientId, first.body.refresh_token as string)).body.code).toBe('ERR_OAUTH_INVALID_GRANT');
  });

  it('refresh token reuse: refused, and the whole family (the newer refresh token, its access token) is revoked', { timeout: 30_000 }, async () => {
    const approved = await approvedCode();
    const issued = await exchange(approved);
    const rotated = await refresh(approved.clientId, issued.body.refresh_token as string);
    expect(rotated.status).toBe(200);
    expect(rotated.body.refresh_token).not.toBe(issued.body.refresh_token);
    expect(await gatewayStatus(rotated.body.access_token as string)).toBe(200);
    const reused = await refresh(approved.clientId, issued.body.refresh_token as string);
    expect(reused).toMatchObject({ status: 400, body: { error: 'invalid_grant', code: 'ERR_OAUTH_REFRESH_REUSED' } });
    expect((await refresh(approved.clientId, rotated.body.refresh_token as string)).body.code).toBe('ERR_OAUTH_INVALID_GRANT');
    expect(await gatewayStatus(rotated.body.access_token as string)).toBe(401);
    // Another client cannot use a refresh token it stole either.
    const other = (await register()).body.client_id as string;
    const fresh = await exchange(await approvedCode());
    expect((await refresh(other, fresh.body.refresh_token as string)).body.code).toBe('ERR_OAUTH_INVALID_GRANT');
  });

  it('refresh token reuse in a race: two concurrent refreshes with one token, one is refused and the family is revoked', { timeout: 30_000 }, async () => {
    const approved = await approvedCode();
    const issued = await exchange(approved);
    const replies = await Promise.all([refresh(approved.clientId, issued.body.refresh_token as string), refresh(approved.clientId, issued.body.refresh_token as string)]);
    expect(replies.map((r) => r.body.code ?? 'ok').sort()).toEqual(['ERR_OAUTH_REFRESH_REUSED', 'ok']);
    const winner = replies.find((r) => r.status === 200);
    expect((await refresh(approved.clientId, winner?.body.refresh_token as string)).body.code).toBe('ERR_OAUTH_INVALID_GRANT');
    expect(await gatewayStatus(winner?.body.access_token as string)).toBe(401);
  });

  it('a resource indicator for another resource: invalid_target, nothing is requested', async () => {
    const clientId = (await register()).body.client_id as string;
    const { challenge } = pkce();
    for (const resource of ['https://evil.example/mcp', `${h.url}/v1/credentials`, `${h.url}/mcp/nosuchserver`, 'http://127.0.0.1:1/mcp']) {
      const reply = await openAuthorization(authorizeUrl(clientId, challenge, { resource }));
      expect(new URL(reply.location as string).searchParams.get('error'), resource).toBe('invalid_target');
    }
  });

  it('consent denied, or not given in time: the client is sent back with access_denied and no code', { timeout: 30_000 }, async () => {
    const clientId = (await register()).body.client_id as string;
    const { challenge } = pkce();
    const denied = await openAuthorization(authorizeUrl(clientId, challenge));
    await h.plane.handlers['approvals.deny']({ requestId: denied.requestId as string, reason: 'unknown client' });
    const back = await resumeAuthorization(denied.body, h.url);
    expect(back.searchParams.get('error')).toBe('access_denied');
    expect(back.searchParams.get('code')).toBeNull();

    const other = (await register()).body.client_id as string;
    const late = await openAuthorization(authorizeUrl(other, challenge));
    h.clock.advance(16 * 60 * 1000);
    expect((await resumeAuthorization(late.body, h.url)).searchParams.get('error')).toBe('access_denied');
  });

  it('an unknown client is refused at every endpoint', async () => {
    const { challenge } = pkce();
    const reply = await openAuthorization(authorizeUrl('mcpc_unknown', challenge));
    expect(reply.status).toBe(401);
    expect(reply.location).toBeNull();
    expect(reply.body).toContain('data-error-code="ERR_OAUTH_INVALID_CLIENT"');
    expect(await exchange({ clientId: 'mcpc_unknown', code: 'x', verifier: 'y' })).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
  });

  it('DPoP: a proof at the token endpoint binds the tokens to its key; the refresh token is useless without that key', { timeout: 30_000 }, async () => {
    const key = await DpopKey.generate();
    const tokenUrl = `${h.url}/oauth/token`;
    const approved = await approvedCode();
    const issued = await exchange(approved, { dpop: await key.proof('POST', tokenUrl, { now: h.clock.now() }) });
    expect(issued.body.token_type).toBe('DPoP');
    const introspected = await h.plane.handlers['credentials.introspect']({ token: issued.body.access_token as string });
    expect(introspected).toMatchObject({ active: true, cnf: { jkt: key.thumbprint } });
    // As a bearer token it is refused at the gateway.
    expect(await gatewayStatus(issued.body.access_token as string)).toBe(401);
    expect((await refresh(approved.clientId, issued.body.refresh_token as string)).body).toMatchObject({ error: 'invalid_grant', code: 'ERR_OAUTH_INVALID_GRANT' });
    const other = await DpopKey.generate();
    expect((await refresh(approved.clientId, issued.body.refresh_token as string, { dpop: await other.proof('POST', tokenUrl, { now: h.clock.now() }) })).body.code).toBe('ERR_OAUTH_INVALID_GRANT');
    const rotated = await refresh(approved.clientId, issued.body.refresh_token as string, { dpop: await key.proof('POST', tokenUrl, { now: h.clock.now() }) });
    expect(rotated).toMatchObject({ status: 200, body: { token_type: 'DPoP' } });
  });

  it('a client whose agent the owner revoked: its access token is refused and its refresh token gets invalid_grant', { timeout: 30_000 }, async () => {
    const approved = await approvedCode();
    const issued = await exchange(approved);
    const agentId = (await h.plane.handlers['credentials.verify']({ token: issued.body.access_token as string, audience: `${h.url}/mcp` })).agentId;
    await h.plane.handlers['identities.revoke']({ id: agentId, reason: 'lost laptop' });
    expect(await gatewayStatus(issued.body.access_token as string)).toBe(401);
    expect(await refresh(approved.clientId, issued.body.refresh_token as string)).toMatchObject({ status: 400, body: { error: 'invalid_grant', code: 'ERR_IDENTITY_NOT_ACTIVE' } });
  });

  it('registration flooding: at most 30 clients an hour', async () => {
    // Past the hour of the registrations above.
    h.clock.advance(3600 * 1000 + 1);
    const replies = [];
    for (let i = 0; i < 31; i++) replies.push(await register());
    expect(replies.slice(0, 30).every((r) => r.status === 201)).toBe(true);
    expect(replies[30]).toMatchObject({ status: 429, body: { error: 'temporarily_unavailable', code: 'ERR_RATE_LIMITED' } });
    h.clock.advance(3600 * 1000 + 1);
    expect((await register()).status).toBe(201);
  });
});
