// OAuth as real MCP clients do it, over real HTTP on the agent listener: client ID metadata
// documents fetched from a local https server (a test CA), registrations like VS Code's, loopback
// redirects on any port, errors a person can read, consent that lapses with the authorization,
// and metadata documents that agree with each other. Attacks are named after what they try.
import { createHash, randomBytes } from 'node:crypto';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayHarness } from '../test-support/gateway-harness.js';
import { startHttpsFixture, type HttpsFixture } from '../test-support/https-fixture.js';
import { MemoryOAuthProvider, openAuthorization, REDIRECT_URI, resumeAuthorization } from '../test-support/oauth-client.js';
import { approveWithPasskey, openOwnedGateway } from '../test-support/passkey-owner.js';
import type { SoftAuthenticator } from '../test-support/soft-authenticator.js';

/** What the fixture serves at each path: a document, or a raw answer. */
const served = new Map<string, (req: IncomingMessage, res: ServerResponse) => void>();
const json = (body: unknown, headers: Record<string, string> = {}) => (_req: IncomingMessage, res: ServerResponse) => {
  res.writeHead(200, { 'content-type': 'application/json', ...headers });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
};

let site: HttpsFixture;
let h: GatewayHarness;
let auth: SoftAuthenticator;
let strict: GatewayHarness;

beforeAll(async () => {
  site = await startHttpsFixture((req, res) => {
    const handler = served.get(new URL(req.url ?? '/', 'https://x').pathname);
    if (handler) return handler(req, res);
    res.writeHead(404).end();
  });
  ({ h, auth } = await openOwnedGateway({ servers: ['everything'], clientMetadata: { ca: site.ca, allowLoopback: true } }));
  // As shipped: loopback (and every private range) is out of reach of a metadata fetch.
  ({ h: strict } = await openOwnedGateway({ servers: ['everything'], clientMetadata: { ca: site.ca } }));
}, 60_000);

afterAll(async () => {
  await h?.close();
  await strict?.close();
  await site?.close();
});

function pkce() {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

function authorizeUrl(base: string, clientId: string, challenge: string, over: Record<string, string> = {}): URL {
  const url = new URL('/oauth/authorize', base);
  const params = { response_type: 'code', client_id: clientId, redirect_uri: REDIRECT_URI, code_challenge: challenge, code_challenge_method: 'S256', state: 's1', resource: `${base}/mcp`, ...over };
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return url;
}

async function register(redirectUris: string[], name = 'Visual Studio Code'): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(new URL('/oauth/register', h.url), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ client_name: name, redirect_uris: redirectUris, token_endpoint_auth_method: 'none' }) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const errorCodeOf = (page: string): string | undefined => /data-error-code="([^"]+)"/.exec(page)?.[1];

describe('client ID metadata documents', () => {
  it('the SDK client with a client metadata URL connects without registering: fetched over https, consented, token, tool call', { timeout: 30_000 }, async () => {
    const clientId = `${site.origin}/clients/sdk.json`;
    served.set('/clients/sdk.json', json({ client_id: clientId, client_name: 'SDK via CIMD', redirect_uris: [REDIRECT_URI], grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'], token_endpoint_auth_method: 'none' }, { 'cache-control': 'max-age=600' }));
    const provider = Object.assign(new MemoryOAuthProvider(), { clientMetadataUrl: clientId });
    const gateway = new URL('/mcp', h.url);
    await expect(new Client({ name: 'cimd', version: '1' }).connect(new StreamableHTTPClientTransport(gateway, { authProvider: provider }))).rejects.toBeInstanceOf(UnauthorizedError);
    const authorizationUrl = provider.authorizationUrl as URL;
    expect(authorizationUrl.searchParams.get('client_id')).toBe(clientId);

    const page = await openAuthorization(authorizationUrl);
    expect(page.status).toBe(200);
    const item = h.plane.approvals.approvals.list().find((i) => i.request.id === page.requestId);
    // The owner reads the host the document came from beside the name the client chose.
    expect(item?.request.purpose).toContain(`SDK via CIMD (${new URL(site.origin).host})`);
    await approveWithPasskey(h.plane, auth, page.requestId as string, { agentId: item?.request.agentId as string, environment: 'dev', servers: { everything: { tools: { echo: {} } } } });
    const callback = await resumeAuthorization(page.body, h.url);
    const transport = new StreamableHTTPClientTransport(gateway, { authProvider: provider });
    await transport.finishAuth(callback.searchParams.get('code') as string);
    const client = new Client({ name: 'cimd', version: '1' });
    await client.connect(transport);
    expect((await client.listTools()).tools.map((t) => t.name)).toEqual(['everything__echo']);
    await client.close();
    // Fetched once: the cache (max-age) served the rest.
    expect(site.hits.filter((p) => p === '/clients/sdk.json')).toHaveLength(1);
  });

  it('client_id metadata document on a private address: refused before any fetch, shown as a page', async () => {
    const clientId = `${site.origin}/clients/private.json`;
    served.set('/clients/private.json', json({ client_id: clientId, redirect_uris: [REDIRECT_URI] }));
    const reply = await openAuthorization(authorizeUrl(strict.url, clientId, pkce().challenge));
    expect(reply.status).toBe(401);
    expect(reply.location).toBeNull();
    expect(errorCodeOf(reply.body)).toBe('ERR_OAUTH_INVALID_CLIENT');
    expect(reply.body).toContain('private or local address');
    expect(site.hits).not.toContain('/clients/private.json');
  });

  it.each([
    ['metadata document redirect', (id: string) => (_req: IncomingMessage, res: ServerResponse) => void res.writeHead(302, { location: `http://127.0.0.1/${id.length}` }).end(), 'redirect'],
    ['metadata document larger than 5 KB', (id: string) => json({ client_id: id, redirect_uris: [REDIRECT_URI], padding: 'x'.repeat(6000) }), 'larger than'],
    ['metadata document naming another client_id', () => json({ client_id: 'https://other.example/client.json', redirect_uris: [REDIRECT_URI] }), 'not the URL it was fetched from'],
    ['metadata document with a client secret', (id: string) => json({ client_id: id, client_secret: 's3cret', redirect_uris: [REDIRECT_URI] }), 'client secret'],
    ['metadata document with only web redirects', (id: string) => json({ client_id: id, redirect_uris: ['https://evil.example/cb'] }), 'loopback'],
    ['metadata document that is not JSON', () => json('<html>hi</html>'), 'not valid JSON'],
  ])('%s: invalid_client, nothing in the inbox', async (name, handler, why) => {
    const path = `/clients/${name.replaceAll(' ', '-')}.json`;
    const clientId = `${site.origin}${path}`;
    served.set(path, handler(clientId));
    const before = h.plane.approvals.approvals.list().length;
    const reply = await openAuthorization(authorizeUrl(h.url, clientId, pkce().challenge));
    expect(reply.status).toBe(401);
    expect(errorCodeOf(reply.body)).toBe('ERR_OAUTH_INVALID_CLIENT');
    expect(reply.body).toContain(why);
    expect(h.plane.approvals.approvals.list()).toHaveLength(before);
  });

  it('an http or root-path client_id is not a metadata document URL', async () => {
    for (const clientId of [`${site.origin}/`, `${site.origin}/a/../b.json`]) {
      const reply = await openAuthorization(authorizeUrl(h.url, clientId, pkce().challenge));
      expect(reply.status, clientId).toBe(401);
      expect(errorCodeOf(reply.body)).toBe('ERR_OAUTH_INVALID_CLIENT');
    }
  });
});

describe('registration and redirects as real clients send them', () => {
  it('VS Code registration with a web redirect beside loopback: registered with the loopback one, the web one dropped and said so', async () => {
    const reply = await register(['http://127.0.0.1:33418/', 'https://vscode.dev/redirect']);
    expect(reply.status).toBe(201);
    expect(reply.body.redirect_uris).toEqual(['http://127.0.0.1:33418/']);
    // What MCP 2026-07-28 asks clients to say at registration, answered for what is registered.
    expect(reply.body.application_type).toBe('native');
    const record = h.plane.store.audit.list({ limit: 1, kind: 'oauth.register' })[0];
    expect(record?.details).toMatchObject({ droppedRedirectUris: ['https://vscode.dev/redirect'] });
    expect((await register(['https://vscode.dev/redirect'])).status).toBe(400);
  });

  it('loopback redirect on another port: allowed for an IP literal, as RFC 8252 §7.3 says; the code comes back to that port', { timeout: 30_000 }, async () => {
    const clientId = (await register(['http://127.0.0.1/callback'])).body.client_id as string;
    const { verifier, challenge } = pkce();
    const used = 'http://127.0.0.1:61234/callback';
    const page = await openAuthorization(authorizeUrl(h.url, clientId, challenge, { redirect_uri: used }));
    expect(page.status).toBe(200);
    await approveWithPasskey(h.plane, auth, page.requestId as string);
    const callback = await resumeAuthorization(page.body, h.url);
    expect(`${callback.origin}${callback.pathname}`).toBe(used);
    const token = await fetch(new URL('/oauth/token', h.url), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', client_id: clientId, code: callback.searchParams.get('code') as string, redirect_uri: used, code_verifier: verifier }),
    });
    expect(token.status).toBe(200);
  });

  it('loopback port leeway used for another path, host or a non-canonical form: shown an error page, never redirected', async () => {
    const clientId = (await register(['http://127.0.0.1/callback'])).body.client_id as string;
    for (const uri of ['http://127.0.0.1:61234/other', 'http://localhost:61234/callback', 'http://127.0.0.2:61234/callback', 'http://127.0.0.1:61234/x/../callback', 'http://127.0.0.1:61234/callback?next=evil']) {
      const reply = await openAuthorization(authorizeUrl(h.url, clientId, pkce().challenge, { redirect_uri: uri }));
      expect(reply.status, uri).toBe(400);
      expect(reply.location).toBeNull();
      expect(errorCodeOf(reply.body)).toBe('ERR_OAUTH_REDIRECT_URI_MISMATCH');
    }
  });

  it('an authorization error is a page a person can read; a client asking for JSON gets JSON', async () => {
    const url = authorizeUrl(h.url, 'mcpc_unknown', pkce().challenge);
    const page = await fetch(url, { redirect: 'manual', headers: { accept: 'text/html' } });
    expect(page.status).toBe(401);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await page.text();
    expect(html).toContain('<h1>This connection cannot continue</h1>');
    expect(errorCodeOf(html)).toBe('ERR_OAUTH_INVALID_CLIENT');
    const machine = await fetch(url, { redirect: 'manual', headers: { accept: 'application/json' } });
    expect(await machine.json()).toMatchObject({ error: 'invalid_client', code: 'ERR_OAUTH_INVALID_CLIENT' });
  });

  it('lapsed authorization approved later: the request leaves the inbox and approving it is refused, so no grant is made', async () => {
    const clientId = (await register([REDIRECT_URI], 'late client')).body.client_id as string;
    const page = await openAuthorization(authorizeUrl(h.url, clientId, pkce().challenge));
    const requestId = page.requestId as string;
    const spec = h.plane.approvals.approvals.list().find((i) => i.request.id === requestId)?.request.spec;
    expect(spec).toBeDefined();
    h.clock.advance(15 * 60 * 1000 + 1);
    expect(h.plane.approvals.approvals.list().some((i) => i.request.id === requestId)).toBe(false);
    await expect(h.plane.handlers['approvals.begin']({ requestId, spec: spec as NonNullable<typeof spec> })).rejects.toMatchObject({ code: 'ERR_GRANT_REQUEST_EXPIRED' });
    expect((await resumeAuthorization(page.body, h.url)).searchParams.get('error')).toBe('access_denied');
    expect((await h.plane.handlers['grants.list']({ agentId: spec?.agentId })).length).toBe(0);
  });
});

describe('metadata documents agree', () => {
  it('the root protected-resource document names the origin; the gateway one names /mcp; scopes agree with the authorization server', async () => {
    const root = (await (await fetch(`${h.url}/.well-known/oauth-protected-resource`)).json()) as Record<string, unknown>;
    expect(root.resource).toBe(h.url);
    expect(root.authorization_servers).toBeUndefined();
    const gateway = (await (await fetch(`${h.url}/.well-known/oauth-protected-resource/mcp`)).json()) as Record<string, unknown>;
    const as = (await (await fetch(`${h.url}/.well-known/oauth-authorization-server`)).json()) as Record<string, unknown>;
    expect(gateway).toMatchObject({ resource: `${h.url}/mcp`, authorization_servers: [h.url] });
    expect(gateway.scopes_supported).toEqual(as.scopes_supported);
    expect(as).toMatchObject({
      issuer: h.url,
      jwks_uri: `${h.url}/oauth/jwks`,
      introspection_endpoint: `${h.url}/v1/introspect`,
      client_id_metadata_document_supported: true,
      authorization_response_iss_parameter_supported: true,
    });
    expect(as.grant_types_supported).toContain('urn:ietf:params:oauth:grant-type:token-exchange');
    expect(as.revocation_endpoint).toBeUndefined();
  });

  it('the token endpoint the metadata names does token exchange too (refusing a bad one the RFC 8693 way)', async () => {
    const res = await fetch(new URL('/oauth/token', h.url), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange', subject_token: 'x', subject_token_type: 'urn:ietf:params:oauth:token-type:jwt' }),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'invalid_request' });
  });
});
