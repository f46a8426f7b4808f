// DPoP (RFC 9449) at the gateway, attack by attack: a bound token needs a fresh, single-use proof
// for this method and URL, signed by the bound key, carrying the hash of this token; presenting it
// as Bearer is refused; server nonces are asked for with use_dpop_nonce and the retry succeeds.
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CharonAgent, DpopKey, INITIALIZE, MCP_HEADERS, openGatewayHarness, rawRequest, textOf, type GatewayHarness, type TestAgent } from '../test-support/gateway-harness.js';

let h: GatewayHarness;
let agent: TestAgent;
let token: string;
let key: DpopKey;

beforeAll(async () => {
  h = await openGatewayHarness({ servers: ['everything'] });
  agent = await h.agent('bound');
  await h.grant({ agentId: 'bound', environment: 'dev', servers: { everything: { tools: { echo: {} } } } });
  token = await agent.token();
  key = agent.key as DpopKey;
}, 30_000);

afterAll(async () => {
  await h?.close();
});

const mcpUrl = (path = '/mcp') => `${h.url}${path}`;

/** A raw initialize with these Authorization and DPoP headers. */
function initializeWith(headers: Record<string, string>, path = '/mcp') {
  return rawRequest(mcpUrl(path), { method: 'POST', headers: { ...MCP_HEADERS, ...headers }, body: JSON.stringify(INITIALIZE) });
}

const proof = (options: { method?: string; url?: string; accessToken?: string; now?: number; signer?: DpopKey; nonce?: string } = {}) =>
  (options.signer ?? key).proof(options.method ?? 'POST', options.url ?? mcpUrl(), { accessToken: options.accessToken ?? token, now: options.now ?? h.clock.now(), nonce: options.nonce });

function expectProofRefusal(res: { status: number; code: string | undefined; headers: Headers }, code: string): void {
  expect(res.status).toBe(401);
  expect(res.code).toBe(code);
  // The DPoP scheme's error on the DPoP challenge alone: Bearer has no invalid_dpop_proof (RFC 9449 §7.1).
  expect(res.headers.get('www-authenticate')).toMatch(/^Bearer resource_metadata="[^"]+", DPoP error="invalid_dpop_proof"/);
}

describe('a DPoP-bound token through the SDK client', () => {
  it('the agent attested with its key over HTTP: the token is bound, and MCP works with a proof per request', async () => {
    const introspected = await h.plane.handlers['credentials.introspect']({ token });
    expect(introspected).toMatchObject({ active: true, token_type: 'DPoP', cnf: { jkt: key.thumbprint } });
    const client = await agent.connect();
    expect(textOf(await client.callTool({ name: 'everything__echo', arguments: { message: 'bound' } }))).toContain('bound');
    await client.close();
  });

  it('prod requires DPoP, and a DPoP-bound prod agent is let in (its tools are whatever its grants allow: none yet)', async () => {
    const prod = await h.agent('prod-bound', { environment: 'prod' });
    const client = await prod.connect();
    expect((await client.listTools()).tools).toEqual([]);
    await client.close();
    const unbound = await h.issue('prod-bound', { dpopJkt: null });
    expect(await initializeWith({ authorization: `Bearer ${unbound.token}` })).toMatchObject({ status: 401, code: 'ERR_DPOP_REQUIRED' });
  });

  it('a correct proof on a raw request is accepted (the control for the attacks below)', async () => {
    expect((await initializeWith({ authorization: `DPoP ${token}`, dpop: await proof() })).status).toBe(200);
  });

  it('DPoP replayed mid-session (a captured call sent again in the same session): 401 ERR_DPOP_PROOF_REPLAYED', async () => {
    const transport = agent.client.mcpTransport('/mcp');
    const client = await h.connect(transport);
    await client.callTool({ name: 'everything__echo', arguments: { message: 'once' } });
    const headers = { ...MCP_HEADERS, authorization: `DPoP ${token}`, dpop: await proof(), 'mcp-session-id': transport.sessionId as string, 'mcp-protocol-version': '2025-06-18' };
    const body = JSON.stringify({ jsonrpc: '2.0', id: 99, method: 'tools/call', params: { name: 'everything__echo', arguments: { message: 'pay me twice' } } });
    const sent = await rawRequest(mcpUrl(), { method: 'POST', headers, body });
    expect(sent.status).toBe(200);
    expect(JSON.stringify(sent.body)).toContain('pay me twice');
    expectProofRefusal(await rawRequest(mcpUrl(), { method: 'POST', headers, body }), 'ERR_DPOP_PROOF_REPLAYED');
    await client.close();
  });

  it('DPoP replayed concurrently on a decided call (its proof is spent in the commit of the decision): one call decided and forwarded, the other 401, one record', async () => {
    const transport = agent.client.mcpTransport('/mcp');
    const client = await h.connect(transport);
    const headers = { ...MCP_HEADERS, authorization: `DPoP ${token}`, dpop: await proof(), 'mcp-session-id': transport.sessionId as string, 'mcp-protocol-version': '2025-06-18' };
    const body = JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'everything__echo', arguments: { message: 'race me' } } });
    const before = await h.headSeq();
    const outcomes = await Promise.all(Array.from({ length: 4 }, () => rawRequest(mcpUrl(), { method: 'POST', headers, body })));
    expect(outcomes.filter((o) => o.status === 200)).toHaveLength(1);
    for (const o of outcomes.filter((x) => x.status !== 200)) expectProofRefusal(o, 'ERR_DPOP_PROOF_REPLAYED');
    expect(await h.decisions(before)).toHaveLength(1);
    await client.close();
  });

  it('DPoP proof of a decided call refused before its decision (unknown session) is spent all the same: replaying it is 401 ERR_DPOP_PROOF_REPLAYED', async () => {
    const headers = { ...MCP_HEADERS, authorization: `DPoP ${token}`, dpop: await proof(), 'mcp-session-id': 'no-such-session', 'mcp-protocol-version': '2025-06-18' };
    const body = JSON.stringify({ jsonrpc: '2.0', id: 8, method: 'tools/call', params: { name: 'everything__echo', arguments: { message: 'x' } } });
    expect(await rawRequest(mcpUrl(), { method: 'POST', headers, body })).toMatchObject({ status: 404, code: 'ERR_SESSION_NOT_FOUND' });
    expectProofRefusal(await rawRequest(mcpUrl(), { method: 'POST', headers, body }), 'ERR_DPOP_PROOF_REPLAYED');
  });
});

describe('proof attacks on a raw initialize', () => {
  it('DPoP missing (bound token under the DPoP scheme, no proof header): 401 ERR_DPOP_PROOF_MISSING', async () => {
    const res = await initializeWith({ authorization: `DPoP ${token}` });
    expect(res).toMatchObject({ status: 401, code: 'ERR_DPOP_PROOF_MISSING' });
  });

  it('DPoP replayed (the same proof twice): the first passes, the second is 401 ERR_DPOP_PROOF_REPLAYED', async () => {
    const once = await proof();
    expect((await initializeWith({ authorization: `DPoP ${token}`, dpop: once })).status).toBe(200);
    expectProofRefusal(await initializeWith({ authorization: `DPoP ${token}`, dpop: once }), 'ERR_DPOP_PROOF_REPLAYED');
  });

  it('DPoP wrong htm (a proof made for GET sent with POST): 401 ERR_DPOP_PROOF_MISMATCH', async () => {
    expectProofRefusal(await initializeWith({ authorization: `DPoP ${token}`, dpop: await proof({ method: 'GET' }) }), 'ERR_DPOP_PROOF_MISMATCH');
  });

  it('DPoP wrong htu (a proof for /mcp/everything sent to /mcp; one for another port): 401 ERR_DPOP_PROOF_MISMATCH', async () => {
    expectProofRefusal(await initializeWith({ authorization: `DPoP ${token}`, dpop: await proof({ url: mcpUrl('/mcp/everything') }) }), 'ERR_DPOP_PROOF_MISMATCH');
    expectProofRefusal(await initializeWith({ authorization: `DPoP ${token}`, dpop: await proof({ url: `http://127.0.0.1:${h.listener.port + 1}/mcp` }) }), 'ERR_DPOP_PROOF_MISMATCH');
    expectProofRefusal(await initializeWith({ authorization: `DPoP ${token}`, dpop: await proof({ url: `${h.url}/v1/credentials/rotate` }) }), 'ERR_DPOP_PROOF_MISMATCH');
  });

  it('DPoP stale iat (two minutes old, or a minute in the future): 401 ERR_DPOP_PROOF_STALE', async () => {
    expectProofRefusal(await initializeWith({ authorization: `DPoP ${token}`, dpop: await proof({ now: h.clock.now() - 120_000 }) }), 'ERR_DPOP_PROOF_STALE');
    expectProofRefusal(await initializeWith({ authorization: `DPoP ${token}`, dpop: await proof({ now: h.clock.now() + 60_000 }) }), 'ERR_DPOP_PROOF_STALE');
  });

  it('DPoP wrong key (a valid proof by a key the token is not bound to): 401 ERR_DPOP_PROOF_MISMATCH', async () => {
    const stranger = await DpopKey.generate();
    expectProofRefusal(await initializeWith({ authorization: `DPoP ${token}`, dpop: await proof({ signer: stranger }) }), 'ERR_DPOP_PROOF_MISMATCH');
  });

  it('DPoP wrong ath (a proof made for another token): 401 ERR_DPOP_PROOF_MISMATCH', async () => {
    const other = await h.issue('bound', { dpopJkt: key.thumbprint });
    expectProofRefusal(await initializeWith({ authorization: `DPoP ${token}`, dpop: await proof({ accessToken: other.token }) }), 'ERR_DPOP_PROOF_MISMATCH');
  });

  it('DPoP proof not a JWS, or two proofs in one header: 401 ERR_DPOP_PROOF_INVALID', async () => {
    expectProofRefusal(await initializeWith({ authorization: `DPoP ${token}`, dpop: 'not-a-proof' }), 'ERR_DPOP_PROOF_INVALID');
    expectProofRefusal(await initializeWith({ authorization: `DPoP ${token}`, dpop: `${await proof()}, ${await proof()}` }), 'ERR_DPOP_PROOF_INVALID');
  });

  it('Bearer use of a bound token (with or without a proof): 401 ERR_DPOP_BOUND_TOKEN_AS_BEARER', async () => {
    const attempts: Record<string, string>[] = [{ authorization: `Bearer ${token}` }, { authorization: `Bearer ${token}`, dpop: await proof() }];
    for (const headers of attempts) {
      const res = await initializeWith(headers);
      expect(res).toMatchObject({ status: 401, code: 'ERR_DPOP_BOUND_TOKEN_AS_BEARER' });
      expect(res.headers.get('www-authenticate')).toContain('error="invalid_token"');
    }
  });

  it('DPoP scheme with an unbound token (downgrade in reverse): 401 ERR_UNAUTHENTICATED', async () => {
    const unbound = await h.issue('bound', { dpopJkt: null });
    const res = await initializeWith({ authorization: `DPoP ${unbound.token}`, dpop: await proof({ accessToken: unbound.token }) });
    expect(res).toMatchObject({ status: 401, code: 'ERR_UNAUTHENTICATED' });
  });

  it('a refused proof records nothing and opens no session', async () => {
    const before = await h.headSeq();
    const sessions = h.plane.gateway.gateway.sessions.size;
    await initializeWith({ authorization: `DPoP ${token}`, dpop: await proof({ method: 'GET' }) });
    await initializeWith({ authorization: `Bearer ${token}` });
    expect(h.plane.gateway.gateway.sessions.size).toBe(sessions);
    const after = await h.plane.handlers['audit.list']({ afterSeq: before, limit: 100 });
    expect(after.filter((r) => r.kind === 'gateway.decision')).toEqual([]);
  });
});

describe('server nonces (dpopNonce: true)', () => {
  let nh: GatewayHarness;
  let nkey: DpopKey;
  let ntoken: string;

  beforeAll(async () => {
    nh = await openGatewayHarness({ servers: ['everything'], config: { dpopNonce: true } });
    await nh.activeAgent('noncer');
    await nh.grant({ agentId: 'noncer', environment: 'dev', servers: { everything: { tools: { echo: {} } } } });
    nkey = await DpopKey.generate();
    ntoken = (await nh.issue('noncer', { dpopJkt: nkey.thumbprint })).token;
  }, 30_000);

  afterAll(async () => {
    await nh?.close();
  });

  const nonceProof = (nonce?: string) => nkey.proof('POST', `${nh.url}/mcp`, { accessToken: ntoken, now: nh.clock.now(), nonce });
  const init = async (nonce?: string) =>
    rawRequest(`${nh.url}/mcp`, { method: 'POST', headers: { ...MCP_HEADERS, authorization: `DPoP ${ntoken}`, dpop: await nonceProof(nonce) }, body: JSON.stringify(INITIALIZE) });

  it('DPoP without the server nonce: 401 ERR_DPOP_NONCE_REQUIRED, use_dpop_nonce and a DPoP-Nonce header; the retry with it succeeds', async () => {
    const first = await init();
    expect(first).toMatchObject({ status: 401, code: 'ERR_DPOP_NONCE_REQUIRED' });
    expect(first.headers.get('www-authenticate')).toContain('error="use_dpop_nonce"');
    const nonce = first.headers.get('dpop-nonce');
    expect(nonce).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect((await init(nonce as string)).status).toBe(200);
  });

  it('DPoP with a made-up nonce, or one from long ago: refused with a fresh nonce; the retry succeeds', async () => {
    const forged = await init('A'.repeat(43));
    expect(forged).toMatchObject({ status: 401, code: 'ERR_DPOP_NONCE_REQUIRED' });
    const old = forged.headers.get('dpop-nonce') as string;
    nh.clock.advance(11 * 60_000);
    const expired = await init(old);
    expect(expired).toMatchObject({ status: 401, code: 'ERR_DPOP_NONCE_REQUIRED' });
    const fresh = expired.headers.get('dpop-nonce') as string;
    expect(fresh).not.toBe(old);
    expect((await init(fresh)).status).toBe(200);
  });

  it('CharonAgent attests with a DPoP key when the server demands nonces: /v1/attest answers with a DPoP-Nonce and the client retries once', async () => {
    await nh.plane.handlers['identities.register']({ id: 'nonce-attester', owner: 'alice', environment: 'dev', selectors: [], scopes: [] });
    const { token: joinToken } = await nh.plane.handlers['joinTokens.create']({ agentId: 'nonce-attester' });
    const key = await DpopKey.generate();
    const agent = new CharonAgent({ url: nh.url, agentId: 'nonce-attester', joinToken, dpopKey: key, now: () => nh.clock.now() });
    await agent.attest();
    const verified = await nh.plane.authority.verify(await agent.token());
    expect(verified.dpopJkt).toBe(key.thumbprint);
  });

  it('the SDK client through a fetch that retries once on use_dpop_nonce (as CharonAgent.fetch does) works end to end', async () => {
    let nonce: string | undefined;
    let retries = 0;
    const dpopFetch = async (input: string | URL | Request, initArg: RequestInit = {}): Promise<Response> => {
      const url = String(input);
      const send = async (): Promise<Response> => {
        const headers = new Headers(initArg.headers);
        headers.set('authorization', `DPoP ${ntoken}`);
        headers.set('dpop', await nkey.proof(initArg.method ?? 'GET', url, { accessToken: ntoken, now: nh.clock.now(), nonce }));
        return fetch(url, { ...initArg, headers });
      };
      let response = await send();
      nonce = response.headers.get('dpop-nonce') ?? nonce;
      if (response.status === 401 && /use_dpop_nonce/.test(response.headers.get('www-authenticate') ?? '')) {
        retries++;
        response = await send();
      }
      return response;
    };
    const client = await nh.connect(new StreamableHTTPClientTransport(new URL(`${nh.url}/mcp`), { fetch: dpopFetch }));
    expect(textOf(await client.callTool({ name: 'everything__echo', arguments: { message: 'with nonce' } }))).toContain('with nonce');
    expect(retries).toBe(1);
    await client.close();
  });
});
