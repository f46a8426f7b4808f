// Fuzzing the agent-facing surface (issue 8): every endpoint of the agent listener, the MCP gateway
// on /mcp, fed malformed and hostile input. For each input: a clear error (a 4xx with a stable code,
// or a JSON-RPC error), never a 5xx, the listener still serving, and no state changed except the
// decision records the gateway owes for every decided call. Raw sockets send what fetch cannot.
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INITIALIZE, MCP_HEADERS, openGatewayHarness, rawRequest, textOf, type GatewayHarness, type Refusal } from '../test-support/gateway-harness.js';
import { settledHeapBytes, writeProofFigures } from '../test-support/proof-figures.js';
import { openRawDb } from '../test-support/raw-db.js';
import { rawExchange, trickle } from '../test-support/raw-http.js';

let h: GatewayHarness;
let token: string;
let session: string;
const tried: Record<string, number> = {};
/** What went wrong, counted as it happened (the assertions fail the test; these numbers go in the report). */
const observed = { serverErrors: 0, stateChangesOutsideDecisions: 0, heapGrowthBytes: 0 };
const count = (what: string, n = 1): void => {
  tried[what] = (tried[what] ?? 0) + n;
};

beforeAll(async () => {
  h = await openGatewayHarness({ servers: ['everything'] });
  const agent = await h.agent('fuzzer', { dpop: false });
  await h.grant({ agentId: 'fuzzer', environment: 'dev', servers: { everything: { tools: { echo: {} } } } });
  token = await agent.token();
  const init = await rawRequest(`${h.url}/mcp`, { method: 'POST', headers: { ...MCP_HEADERS, authorization: `Bearer ${token}` }, body: JSON.stringify(INITIALIZE) });
  session = init.headers.get('mcp-session-id') as string;
  expect(session).toBeTruthy();
  await mcp({ jsonrpc: '2.0', method: 'notifications/initialized' });
}, 30_000);

afterAll(async () => {
  const total = Object.values(tried).reduce((a, b) => a + b, 0);
  writeProofFigures('fuzz', { inputsTried: total, byKind: tried, ...observed });
  await h?.close();
});

const auth = (): Record<string, string> => ({ authorization: `Bearer ${token}` });

function mcp(body: unknown, extra: Record<string, string> = {}): Promise<Refusal> {
  return rawRequest(`${h.url}/mcp`, { method: 'POST', headers: { ...MCP_HEADERS, ...auth(), 'mcp-session-id': session, ...extra }, body: typeof body === 'string' ? body : JSON.stringify(body) });
}

/** Everything but the audit chain, hashed; the audit chain as its kinds and decisions. */
function snapshot(): { state: string; audit: { kind: string; decision: string }[] } {
  const db = openRawDb(h.dataDir, { readonly: true });
  try {
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all() as string[]).filter((t) => t !== 'audit_events');
    const state = createHash('sha256');
    for (const table of tables) state.update(JSON.stringify(db.prepare(`SELECT * FROM ${table}`).raw().all()));
    return { state: state.digest('hex'), audit: db.prepare('SELECT kind, decision FROM audit_events ORDER BY seq').all() as { kind: string; decision: string }[] };
  } finally {
    db.close();
  }
}

/**
 * What may change while bad input is refused: nothing, except records appended to the chain:
 * gateway decisions (allow only where `allow` says so), or with `anyKind` the refusal records of another feature.
 */
function expectOnlyDecisionsAdded(before: ReturnType<typeof snapshot>, after: ReturnType<typeof snapshot>, allow: 'deny' | 'any', anyKind = false): void {
  if (after.state !== before.state) observed.stateChangesOutsideDecisions++;
  expect(after.state).toBe(before.state);
  expect(after.audit.slice(0, before.audit.length)).toEqual(before.audit);
  for (const added of after.audit.slice(before.audit.length)) {
    if (!anyKind) expect(added.kind).toBe('gateway.decision');
    if (allow === 'deny') expect(added.decision).toBe('deny');
  }
}

/**
 * A clear answer: never a 5xx; a 4xx carries a stable Charon code, or (from the MCP transport
 * itself, e.g. a message that is not JSON-RPC 2.0) a JSON-RPC error with its standard code.
 */
function expectClearAnswer(res: Refusal): void {
  const shown = JSON.stringify(res.body).slice(0, 300);
  if (res.status >= 500) observed.serverErrors++;
  expect(res.status, shown).toBeLessThan(500);
  if (res.status >= 400 && res.code === undefined) {
    expect((res.body as { error?: { code?: unknown; message?: unknown } }).error, shown).toMatchObject({ code: expect.any(Number), message: expect.any(String) });
  } else if (res.status >= 400) {
    expect(res.code, shown).toMatch(/^ERR_[A-Z_]+$/);
  }
}

async function stillServing(): Promise<void> {
  const res = await mcp({ jsonrpc: '2.0', id: 'alive', method: 'tools/call', params: { name: 'everything__echo', arguments: { message: 'alive' } } });
  expect(res.status).toBe(200);
  expect(JSON.stringify(res.body)).toContain('alive');
}

const V1 = ['/v1/token', '/v1/credentials', '/v1/attest/join-token', '/v1/attest/k8s', '/v1/introspect', '/v1/grant-requests', '/v1/nope', '/.well-known/jwks.json'];
const CONTENT_TYPES = ['application/json', 'application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json-seq', '', 'APPLICATION/JSON'];

const brokenJson = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.jsonValue({ maxDepth: 3 }).map((v) => {
    const text = JSON.stringify(v);
    return text.slice(0, Math.max(0, text.length - 1));
  }),
  fc.constantFrom('{', '[', '{"a":}', '{"a":1,}', "{'a':1}", 'NaN', '{"a":1}{"b":2}', '\ufeff{}', '{"__proto__":{"admin":true}}', '{"constructor":{"prototype":{"x":1}}}'),
  fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b).toString('latin1')),
);

describe('malformed bodies and content types on every endpoint', () => {
  it('broken JSON, stray bytes and wrong content types: a clear 4xx, never a 5xx, nothing changed', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...V1, '/mcp'), fc.constantFrom(...CONTENT_TYPES), brokenJson, fc.boolean(), async (path, type, body, withAuth) => {
        count('malformed body');
        const before = snapshot();
        const res = await rawRequest(`${h.url}${path}`, { method: 'POST', headers: { accept: 'application/json, text/event-stream', ...(type ? { 'content-type': type } : {}), ...(withAuth ? auth() : {}), ...(path === '/mcp' ? { 'mcp-session-id': session } : {}) }, body });
        expectClearAnswer(res);
        // The rare valid request (e.g. `{}` asking for a credential of the caller's own) is a legitimate action; all else changes nothing.
        if (res.status >= 400) expectOnlyDecisionsAdded(before, snapshot(), 'deny');
      }),
      { numRuns: 250 },
    );
    await stillServing();
  });

  it('invalid UTF-8 in a JSON body: 400 ERR_INVALID_INPUT on /v1 and /mcp alike', async () => {
    const bad = Buffer.concat([Buffer.from('{"agent_id":"'), Buffer.from([0xff, 0xfe, 0xc3, 0x28]), Buffer.from('","token":"x"}')]);
    for (const path of ['/v1/attest/join-token', '/mcp']) {
      count('invalid utf-8');
      const before = snapshot();
      const res = await rawRequest(`${h.url}${path}`, { method: 'POST', headers: { ...MCP_HEADERS, ...auth(), 'mcp-session-id': session }, body: bad });
      expect(res).toMatchObject({ status: 400, code: 'ERR_INVALID_INPUT' });
      expectOnlyDecisionsAdded(before, snapshot(), 'deny');
    }
  });

  it('deep nesting (10 000 to 1 000 000 levels) in the body or in tool arguments: a clear answer, no stack overflow', async () => {
    for (const depth of [10_000, 100_000, 1_000_000]) {
      for (const [open, close] of [['[', ']'], ['{"a":', '}']] as const) {
        const deep = `${open.repeat(depth)}1${close.repeat(depth)}`;
        count('deep nesting', 3);
        const before = snapshot();
        expectClearAnswer(await rawRequest(`${h.url}/v1/credentials`, { method: 'POST', headers: { 'content-type': 'application/json', ...auth() }, body: deep }));
        expectClearAnswer(await mcp(`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"everything__echo","arguments":{"message":${deep}}}}`));
        expectClearAnswer(await mcp(`{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"everything__nope","arguments":${deep}}}`));
        expectOnlyDecisionsAdded(before, snapshot(), 'any');
      }
    }
    await stillServing();
  });
});

describe('JSON-RPC on /mcp: batches, unknown methods, hostile ids and params', () => {
  const ids = fc.oneof(fc.integer(), fc.string({ maxLength: 8 }), fc.constantFrom(null, 1.5, -0, 2 ** 60, { x: 1 }, [1], true, ''), fc.constant(undefined));
  const methods = fc.oneof(fc.constantFrom('tools/call', 'resources/read', 'prompts/get', 'tools/list', 'resources/list', 'prompts/list', 'initialize', 'ping', 'logging/setLevel', 'completion/complete', 'sampling/createMessage', 'notifications/cancelled', 'rpc.discover', '__proto__', 'constructor', 'tools/call/'), fc.string({ maxLength: 20 }));
  const names = fc.oneof(fc.constantFrom('everything__echo', 'everything__get-env', 'everything__', '__echo', 'echo', 'files__read_file', 'everything__echo\u0000', 'everything__ECHO', 'everything__echo ', '../everything__echo'), fc.string({ maxLength: 20 }));
  const params = fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.record({ name: names, arguments: fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.dictionary(fc.constantFrom('message', '__proto__', 'constructor', 'path'), fc.jsonValue({ maxDepth: 2 }))), uri: fc.oneof(fc.string({ maxLength: 30 }), fc.webUrl()) }, { requiredKeys: [] }));

  it('random single messages: a clear answer each; refusals add only deny records; only granted echo calls are allowed', async () => {
    await fc.assert(
      fc.asyncProperty(ids, methods, params, fc.constantFrom('2.0', '1.0', undefined), async (id, method, p, jsonrpc) => {
        count('json-rpc message');
        const before = snapshot();
        const res = await mcp({ ...(jsonrpc ? { jsonrpc } : {}), ...(id !== undefined ? { id } : {}), method, params: p });
        expectClearAnswer(res);
        const after = snapshot();
        expectOnlyDecisionsAdded(before, after, 'any');
        // An allow record is only ever for the one granted tool, and only for tools/call.
        const added = after.audit.slice(before.audit.length);
        if (added.some((r) => r.decision === 'allow')) {
          expect(method).toBe('tools/call');
          expect((p as { name?: unknown }).name).toBe('everything__echo');
        }
      }),
      { numRuns: 300 },
    );
    await stillServing();
  });

  it('a tool name with a NUL, a newline or non-ASCII: 403 ERR_TOOL_NOT_ALLOWED with a well-formed WWW-Authenticate (was a 500: Node refused the header)', async () => {
    for (const name of ['everything__echo\u0000', 'everything__echo\r\nSet-Cookie: x=1', 'everything__échø', 'everything__\u2028"\\']) {
      count('json-rpc message');
      const res = await mcp({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name, arguments: {} } });
      expect(res).toMatchObject({ status: 403, code: 'ERR_TOOL_NOT_ALLOWED' });
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer error="insufficient_scope", scope="mcp", error_description="[\x20\x21\x23-\x5b\x5d-\x7e]*", resource_metadata="[^"]+", DPoP /);
    }
  });

  it('batches of any size (MCP dropped them): 400 ERR_INVALID_INPUT, nothing decided or forwarded', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.record({ jsonrpc: fc.constant('2.0'), id: fc.nat(), method: fc.constantFrom('tools/call', 'ping', 'tools/list'), params: fc.constant({ name: 'everything__echo', arguments: { message: 'batched' } }) }), { maxLength: 50 }), async (batch) => {
        count('json-rpc batch');
        const before = snapshot();
        expect(await mcp(batch)).toMatchObject({ status: 400, code: 'ERR_INVALID_INPUT' });
        expectOnlyDecisionsAdded(before, snapshot(), 'deny');
        expect(snapshot().audit.length).toBe(before.audit.length);
      }),
      { numRuns: 40 },
    );
  });
});

describe('/v1/token (RFC 8693 token exchange)', () => {
  const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
  const TOKEN_TYPES = ['urn:ietf:params:oauth:token-type:jwt', 'urn:ietf:params:oauth:token-type:access_token', 'urn:ietf:params:oauth:token-type:id_token', 'x'];

  it('random forms with real, truncated, oversize and garbage tokens: a clear 4xx (OAuth error and Charon code), only refusal records added', async () => {
    const tokens = fc.oneof(fc.constantFrom(token, `${token}x`, token.split('.').slice(0, 2).join('.'), 'garbage', '', 'a'.repeat(9000)), fc.string({ maxLength: 40 }));
    const form = fc.record(
      {
        grant_type: fc.oneof(fc.constant(TOKEN_EXCHANGE), fc.constantFrom('client_credentials', 'authorization_code', ''), fc.string({ maxLength: 10 })),
        subject_token: tokens,
        subject_token_type: fc.constantFrom(...TOKEN_TYPES),
        actor_token: tokens,
        actor_token_type: fc.constantFrom(...TOKEN_TYPES),
        requested_token_type: fc.constantFrom(...TOKEN_TYPES),
        scope: fc.oneof(fc.constantFrom('tools:call', 'tools:call admin:*', '*', ''), fc.string({ maxLength: 20 })),
        audience: fc.oneof(fc.webUrl(), fc.string({ maxLength: 20 })),
        resource: fc.webUrl(),
        expires_in: fc.oneof(fc.nat().map(String), fc.constantFrom('-1', '1e9', '0x10', '99999999999'), fc.string({ maxLength: 5 })),
        acr_values: fc.string({ maxLength: 20 }),
        authority: fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(form, fc.option(fc.constantFrom('grant_type', 'subject_token', 'scope'), { nil: undefined }), fc.boolean(), async (fields, repeated, withAuth) => {
        count('token exchange form');
        const body = new URLSearchParams(Object.entries(fields));
        if (repeated) body.append(repeated, 'again');
        const before = snapshot();
        const res = await rawRequest(`${h.url}/v1/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...(withAuth ? auth() : {}) }, body: body.toString() });
        expectClearAnswer(res);
        expect(res.status).toBeGreaterThanOrEqual(400);
        if (res.status === 400) expect((res.body as { error?: unknown }).error).toMatch(/^[a-z_]+$/);
        expectOnlyDecisionsAdded(before, snapshot(), 'deny', true);
      }),
      { numRuns: 200 },
    );
  });
});

describe('oversize input', () => {
  it('a body over 4 MiB (declared, or chunked without a length): 413; headers over 16 KiB, a 100 KiB URL: 431; nothing changed', async () => {
    const before = snapshot();
    count('oversize', 5);
    expect(await mcp(`{"jsonrpc":"2.0","id":1,"method":"ping","params":{"pad":"${'a'.repeat(4 * 1024 * 1024)}"}}`)).toMatchObject({ status: 413, code: 'ERR_PAYLOAD_TOO_LARGE' });
    const chunked = await rawExchange(h.listener.port, `POST /mcp HTTP/1.1\r\nHost: 127.0.0.1:${h.listener.port}\r\nContent-Type: application/json\r\nAuthorization: Bearer ${token}\r\nMcp-Session-Id: ${session}\r\nTransfer-Encoding: chunked\r\n\r\n${`100000\r\n${'a'.repeat(0x100000)}\r\n`.repeat(5)}0\r\n\r\n`);
    expect(chunked.status).toBe(413);
    expect((await rawExchange(h.listener.port, `GET /.well-known/jwks.json HTTP/1.1\r\nHost: 127.0.0.1:${h.listener.port}\r\nX-Pad: ${'a'.repeat(20_000)}\r\n\r\n`)).status).toBe(431);
    expect((await rawExchange(h.listener.port, `GET /.well-known/jwks.json?${'a'.repeat(100_000)} HTTP/1.1\r\nHost: 127.0.0.1:${h.listener.port}\r\n\r\n`)).status).toBe(431);
    // A token over the verifier's 8 KiB limit is refused before it is parsed.
    expect(await rawRequest(`${h.url}/mcp`, { method: 'POST', headers: { ...MCP_HEADERS, authorization: `Bearer ${'a'.repeat(9000)}.b.c` }, body: JSON.stringify(INITIALIZE) })).toMatchObject({ status: 401 });
    expectOnlyDecisionsAdded(before, snapshot(), 'deny');
    expect(snapshot().audit.length).toBe(before.audit.length);
  });

  it('memory stays bounded: 100 refused 3 MiB bodies leave the settled heap within 32 MiB of where it was', async () => {
    const junk = `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"everything__echo","arguments":{"message":"${'x'.repeat(3 * 1024 * 1024)}"`; // truncated: invalid JSON
    await mcp(junk);
    const heapBefore = settledHeapBytes();
    for (let i = 0; i < 100; i++) {
      count('memory: refused 3 MiB body');
      expect(await mcp(junk)).toMatchObject({ status: 400, code: 'ERR_INVALID_INPUT' });
    }
    const growth = (settledHeapBytes()) - heapBefore;
    observed.heapGrowthBytes = growth;
    expect(growth).toBeLessThan(32 * 1024 * 1024);
  });
});

describe('HTTP-level attacks (raw sockets)', () => {
  const port = (): number => h.listener.port;
  const head = (lines: string[]): string => `${lines.join('\r\n')}\r\n\r\n`;

  it('header injection: bare CR or LF, NUL and CRLF smuggled in header values or the path get 400; nothing is echoed into our response headers', async () => {
    const attempts = [
      head([`GET /.well-known/jwks.json HTTP/1.1`, `Host: 127.0.0.1:${port()}`, `X-A: a\rSet-Cookie: pwned=1`]),
      head([`GET /.well-known/jwks.json HTTP/1.1`, `Host: 127.0.0.1:${port()}`, `X-A: a\nSet-Cookie: pwned=1`]),
      head([`GET /.well-known/jwks.json HTTP/1.1`, `Host: 127.0.0.1:${port()}`, `X-A: a\u0000b`]),
      head([`POST /mcp HTTP/1.1`, `Host: 127.0.0.1:${port()}`, `Mcp-Session-Id: ${session}\rX-Evil: 1`, `Authorization: Bearer ${token}`, 'Content-Length: 2', '', '{}']),
    ];
    for (const attempt of attempts) {
      count('header injection');
      const res = await rawExchange(port(), attempt);
      expect(res.status).toBe(400);
      expect(res.head.toLowerCase()).not.toContain('pwned');
      expect(res.head.toLowerCase()).not.toContain('x-evil');
    }
    // CRLF in the request line only makes the rest a request header of the client's own; encoded CR/LF
    // in the path is just an unknown path. Neither reaches a header of ours.
    count('header injection', 2);
    const split = await rawExchange(port(), head([`GET /.well-known/jwks.json\r\nSet-Cookie: pwned=1 HTTP/1.1`, `Host: 127.0.0.1:${port()}`]));
    expect(split.head.toLowerCase()).not.toContain('pwned');
    const encoded = await rawExchange(port(), head([`GET /v1/%0d%0aSet-Cookie:%20pwned=1 HTTP/1.1`, `Host: 127.0.0.1:${port()}`]));
    expect(encoded.status).toBe(404);
    expect(encoded.head.toLowerCase()).not.toContain('pwned');
  });

  it('request smuggling: Content-Length with Transfer-Encoding, two different Content-Lengths, an obsolete line fold: 400', async () => {
    const attempts = [
      head([`POST /v1/introspect HTTP/1.1`, `Host: 127.0.0.1:${port()}`, 'Content-Length: 4', 'Transfer-Encoding: chunked', '', '0', '', 'GET /v1/credentials HTTP/1.1', `Host: 127.0.0.1:${port()}`]),
      head([`POST /v1/introspect HTTP/1.1`, `Host: 127.0.0.1:${port()}`, 'Content-Length: 4', 'Content-Length: 40', '', 'abcd']),
      head([`GET /.well-known/jwks.json HTTP/1.1`, `Host: 127.0.0.1:${port()}`, 'X-A: a', ' folded: 1']),
      head([`POST /v1/introspect HTTP/1.1`, `Host: 127.0.0.1:${port()}`, 'Transfer-Encoding: chunked, identity', '', '0', '']),
    ];
    for (const attempt of attempts) {
      count('request smuggling');
      expect((await rawExchange(port(), attempt)).status).toBe(400);
    }
  });

  it('invalid bytes in Host, Authorization and Mcp-Session-Id: refused with a stable code, never a 5xx', async () => {
    const cases: [string[], number][] = [
      [[`Host: 127.0.0.1:${port()}\u00ff`], 403],
      [[`Host: 127.0.0.1:${port()}`, `Authorization: Bearer \u00ff\u00fe.x.y`], 401],
      [[`Host: 127.0.0.1:${port()}`, `Authorization: Bearer ${token}`, `Mcp-Session-Id: \u00ff${'s'.repeat(200)}`], 400],
    ];
    for (const [lines, status] of cases) {
      count('invalid header bytes');
      const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' });
      const res = await rawExchange(port(), Buffer.from(head([`POST /mcp HTTP/1.1`, ...lines, 'Content-Type: application/json', 'Accept: application/json, text/event-stream', `Content-Length: ${body.length}`]) + body, 'latin1'));
      expect(res.status).toBe(status);
      expect(res.body).toMatch(/"code":"ERR_[A-Z_]+"/);
    }
  });

  it('slowloris: 60 connections trickling headers or bodies do not keep 20 honest calls from being served', async () => {
    const slow = [
      ...Array.from({ length: 40 }, () => trickle(port(), `GET /.well-known/jwks.json HTTP/1.1\r\nHost: 127.0.0.1:${port()}\r\nX-Slow: `, 100)),
      ...Array.from({ length: 20 }, () => trickle(port(), `POST /mcp HTTP/1.1\r\nHost: 127.0.0.1:${port()}\r\nContent-Type: application/json\r\nAuthorization: Bearer ${token}\r\nMcp-Session-Id: ${session}\r\nContent-Length: 100000\r\n\r\n{"jsonrpc":"2.0","id":1,"method":"ping","params":{"p":"`, 100)),
    ];
    count('slowloris connection', slow.length);
    try {
      await new Promise((r) => setTimeout(r, 300));
      const calls = await Promise.all(Array.from({ length: 20 }, (_, i) => mcp({ jsonrpc: '2.0', id: `honest-${i}`, method: 'tools/call', params: { name: 'everything__echo', arguments: { message: `honest ${i}` } } })));
      for (const [i, res] of calls.entries()) expect(JSON.stringify(res.body)).toContain(`honest ${i}`);
    } finally {
      for (const s of slow) s.stop();
    }
    expect(h.listener.port).toBeGreaterThan(0);
  });
});

describe('after all of it', () => {
  it('the listener still serves, the session still works, and the audit chain verifies', async () => {
    await stillServing();
    const client = await (await h.agent('after-fuzz', { dpop: false })).connect();
    await h.grant({ agentId: 'after-fuzz', environment: 'dev', servers: { everything: { tools: { echo: {} } } } });
    expect(textOf(await client.callTool({ name: 'everything__echo', arguments: { message: 'fresh agent' } }))).toContain('fresh agent');
    await client.close();
    const verdict = await h.plane.handlers['audit.verify']({});
    expect(verdict).toMatchObject({ ok: true });
  });
});
