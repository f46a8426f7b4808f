// The official MCP SDK client, with its own OAuth support, connects to the gateway from scratch:
// 401 with resource metadata → RFC 9728 / RFC 8414 discovery over loopback http → dynamic client
// registration → authorization code + PKCE S256 with a resource indicator → the owner approves
// the consent with a (software) passkey in the inbox → token → tool call as the client's own agent.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { textOf, type GatewayHarness } from '../test-support/gateway-harness.js';
import { MemoryOAuthProvider, openAuthorization, resumeAuthorization } from '../test-support/oauth-client.js';
import { approveWithPasskey, openOwnedGateway } from '../test-support/passkey-owner.js';
import type { SoftAuthenticator } from '../test-support/soft-authenticator.js';

let h: GatewayHarness;
let auth: SoftAuthenticator;
beforeAll(async () => void ({ h, auth } = await openOwnedGateway()), 30_000);
afterAll(() => h?.close());

describe('OAuth with the official MCP SDK client', () => {
  it('discovers, registers, authorizes with PKCE, waits for the passkey approval, gets a token and calls a tool', { timeout: 30_000 }, async () => {
    const provider = new MemoryOAuthProvider();
    const gateway = new URL('/mcp', h.url);
    const first = new Client({ name: 'sdk-oauth', version: '1.0.0' });
    // No token yet: the SDK discovers and registers, then sends the user to the authorization URL.
    await expect(first.connect(new StreamableHTTPClientTransport(gateway, { authProvider: provider }))).rejects.toBeInstanceOf(UnauthorizedError);
    const authorizationUrl = provider.authorizationUrl as URL;
    expect(authorizationUrl.origin).toBe(h.url);
    expect(authorizationUrl.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorizationUrl.searchParams.get('resource')).toBe(`${h.url}/mcp`);
    const clientId = authorizationUrl.searchParams.get('client_id') as string;
    expect(clientId).toMatch(/^mcpc_/);

    // The browser shows a waiting page; the consent is a grant request in the owner's inbox.
    const page = await openAuthorization(authorizationUrl);
    expect(page.status).toBe(200);
    const requestId = page.requestId as string;
    const item = h.plane.approvals.approvals.list().find((i) => i.request.id === requestId);
    expect(item?.request.purpose).toContain('SDK test client');
    expect(item?.tools.map((t) => t.name)).toContain('everything__echo');
    // Nothing until the owner approves: the page keeps waiting.
    expect((await openAuthorization(new URL(/href="([^"]+)"/.exec(page.body)?.[1] ?? '', h.url))).status).toBe(200);

    // The owner approves less than asked (echo only), with the passkey.
    const agentId = item?.request.agentId as string;
    await approveWithPasskey(h.plane, auth, requestId, { agentId, environment: 'dev', servers: { everything: { tools: { echo: {} } } } });
    const callback = await resumeAuthorization(page.body, h.url);
    expect(`${callback.origin}${callback.pathname}`).toBe(provider.redirectUrl);
    expect(callback.searchParams.get('state')).toBe('state-123');
    expect(callback.searchParams.get('iss')).toBe(h.url);

    const transport = new StreamableHTTPClientTransport(gateway, { authProvider: provider });
    await transport.finishAuth(callback.searchParams.get('code') as string);
    const tokens = provider.tokens();
    expect(tokens).toMatchObject({ token_type: 'Bearer', scope: 'mcp' });
    expect(tokens?.refresh_token).toBeTruthy();
    // The access token speaks for the client's own agent, and only at the resource it asked for (RFC 8707).
    const verified = await h.plane.handlers['credentials.verify']({ token: tokens?.access_token as string, audience: `${h.url}/mcp` });
    expect(verified).toMatchObject({ agentId, spiffeId: `spiffe://charon.local/agent/${agentId}`, audience: `${h.url}/mcp` });
    expect((await h.plane.handlers['identities.get']({ id: agentId })).state).toBe('ACTIVE');

    const client = new Client({ name: 'sdk-oauth', version: '1.0.0' });
    await client.connect(transport);
    try {
      expect((await client.listTools()).tools.map((t) => t.name)).toEqual(['everything__echo']);
      expect(textOf(await client.callTool({ name: 'everything__echo', arguments: { message: 'hello over OAuth' } }))).toContain('hello over OAuth');
    } finally {
      await client.close();
    }
  });
});
