// Charon's tokens and endpoints as libraries other than our own read them, over real HTTP on the
// agent listener: panva's oauth4webapi discovers the authorization server from its metadata and
// performs an RFC 8693 exchange at the token endpoint it names, then introspects the result at the
// introspection endpoint it names; jsonwebtoken (not jose, which Charon signs with) verifies a
// JWT-SVID against the SPIFFE bundle and an access token against the authorization server's JWKS.
import { createPublicKey, type JsonWebKey } from 'node:crypto';
import jwt from 'jsonwebtoken';
import * as oauth from 'oauth4webapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openGatewayHarness, type GatewayHarness } from '../test-support/gateway-harness.js';

let h: GatewayHarness;
beforeAll(async () => void (h = await openGatewayHarness({ servers: ['everything'] })), 30_000);
afterAll(() => h?.close());

const JWT_TYPE = 'urn:ietf:params:oauth:token-type:jwt';

/** The key of `token`'s header kid in a JWKS document, as a node KeyObject. */
async function keyFor(token: string, jwksPath: string) {
  const { kid } = jwt.decode(token, { complete: true })?.header ?? {};
  const jwks = (await (await fetch(new URL(jwksPath, h.url))).json()) as { keys: (JsonWebKey & { kid?: string })[] };
  const jwk = jwks.keys.find((k) => k.kid === kid);
  if (!jwk) throw new Error(`no key ${kid} in ${jwksPath}`);
  return createPublicKey({ key: jwk, format: 'jwk' });
}

describe('oauth4webapi', () => {
  it('discovers the authorization server, exchanges a token (RFC 8693) at its token endpoint, and introspects the result', async () => {
    for (const id of ['owner-agent', 'helper']) await h.activeAgent(id);
    const subject = (await h.plane.handlers['delegation.authorize']({ ownerId: 'alice', agentId: 'owner-agent' })).token;
    const actor = (await h.issue('helper')).token;

    const issuer = new URL(h.url);
    const as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm: 'oauth2', [oauth.allowInsecureRequests]: true }));
    expect(as.token_endpoint).toBe(`${h.url}/oauth/token`);
    const client: oauth.Client = { client_id: 'helper' };
    const exchanged = await oauth.processGenericTokenEndpointResponse(
      as,
      client,
      await oauth.genericTokenEndpointRequest(as, client, oauth.None(), 'urn:ietf:params:oauth:grant-type:token-exchange', new URLSearchParams({ subject_token: subject, subject_token_type: JWT_TYPE, actor_token: actor, actor_token_type: JWT_TYPE }), {
        [oauth.allowInsecureRequests]: true,
      }),
    );
    expect(exchanged.token_type).toBe('bearer');
    expect(exchanged.issued_token_type).toBe(JWT_TYPE);

    const introspection = await oauth.processIntrospectionResponse(
      as,
      client,
      // RFC 7662 §2.1 lets the caller authorize with an access token of its own; Charon asks for the agent's credential.
      await oauth.introspectionRequest(as, client, oauth.None(), exchanged.access_token, {
        [oauth.allowInsecureRequests]: true,
        [oauth.customFetch]: (url, init) => fetch(url, { ...init, headers: { ...Object.fromEntries(new Headers(init.headers)), authorization: `Bearer ${actor}` } }),
      }),
    );
    expect(introspection.active).toBe(true);
    // Traceable to the human: the subject is the owner; the helper acts now.
    expect(introspection.sub).toBe('spiffe://charon.local/owner/alice');
    expect(introspection.act).toMatchObject({ sub: 'spiffe://charon.local/agent/helper' });
  });

  it('a refused exchange reaches oauth4webapi as an RFC 6749 error it understands', async () => {
    const issuer = new URL(h.url);
    const as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm: 'oauth2', [oauth.allowInsecureRequests]: true }));
    const client: oauth.Client = { client_id: 'nobody' };
    const response = await oauth.genericTokenEndpointRequest(as, client, oauth.None(), 'urn:ietf:params:oauth:grant-type:token-exchange', new URLSearchParams({ subject_token: 'not-a-token', subject_token_type: JWT_TYPE, actor_token: 'nor-this', actor_token_type: JWT_TYPE }), {
      [oauth.allowInsecureRequests]: true,
    });
    const error = await oauth.processGenericTokenEndpointResponse(as, client, response).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(oauth.ResponseBodyError);
    expect((error as oauth.ResponseBodyError).error).toMatch(/^invalid_(grant|request)$/);
  });
});

describe('jsonwebtoken', () => {
  it('verifies a JWT-SVID against the SPIFFE bundle, and refuses it tampered or for another audience', async () => {
    const agent = await h.agent('svid-reader', { dpop: false });
    const token = await agent.token();
    const key = await keyFor(token, '/.well-known/spiffe-bundle');
    const { aud } = jwt.decode(token) as { aud: string | string[] };
    // The plane runs on a test clock: jsonwebtoken is told that time, not the machine's.
    const clockTimestamp = Math.floor(h.clock.now() / 1000);
    const claims = jwt.verify(token, key, { algorithms: ['ES256', 'ES384', 'RS256', 'PS256'], audience: Array.isArray(aud) ? aud[0] : aud, clockTimestamp }) as { sub: string; exp: number };
    expect(claims.sub).toBe('spiffe://charon.local/agent/svid-reader');
    expect(claims.exp).toBeGreaterThan(Math.floor(h.clock.now() / 1000));
    const [head, body, sig] = token.split('.') as [string, string, string];
    const forged = Buffer.from(JSON.stringify({ ...(jwt.decode(token) as object), sub: 'spiffe://charon.local/agent/admin' })).toString('base64url');
    expect(() => jwt.verify(`${head}.${forged}.${sig}`, key, { algorithms: ['ES256'], clockTimestamp })).toThrow(/invalid signature/);
    expect(() => jwt.verify(`${head}.${body}.${sig}`, key, { algorithms: ['ES256'], audience: 'https://elsewhere.example', clockTimestamp })).toThrow(/audience/);
  });
});
