// The gateway's own Streamable HTTP transport, seen on the wire: a call answered as one JSON body
// unless something must precede its result (then that POST alone becomes an SSE stream), and the
// transport's refusals (Accept, protocol version, malformed JSON-RPC, re-initialize, a second GET
// stream) made before anything is decided or recorded.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INITIALIZE, MCP_HEADERS, openGatewayHarness, rawRequest, type GatewayHarness } from '../test-support/gateway-harness.js';

let h: GatewayHarness;
let token: string;
let sessionId: string;

const post = (body: unknown, headers: Record<string, string> = {}) =>
  rawRequest(`${h.url}/mcp`, { method: 'POST', headers: { ...MCP_HEADERS, authorization: `Bearer ${token}`, 'mcp-session-id': sessionId, 'mcp-protocol-version': '2025-06-18', ...headers }, body: JSON.stringify(body) });
const call = (id: number, name: string, args: Record<string, unknown>, meta?: Record<string, unknown>) => ({ jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: args, ...(meta ? { _meta: meta } : {}) } });

/** The JSON-RPC messages of an SSE body, in order. */
const events = (text: string): unknown[] =>
  text
    .split('\n\n')
    .map((block) => block.split('\n').find((line) => line.startsWith('data: ')))
    .filter((line): line is string => line !== undefined)
    .map((line) => JSON.parse(line.slice('data: '.length)) as unknown);

beforeAll(async () => {
  h = await openGatewayHarness({ servers: ['everything'] });
  await h.activeAgent('wire');
  await h.grant({ agentId: 'wire', environment: 'dev', servers: { everything: { tools: { echo: {}, 'trigger-long-running-operation': {} } } } });
  token = (await h.issue('wire')).token;
  const init = await rawRequest(`${h.url}/mcp`, { method: 'POST', headers: { ...MCP_HEADERS, authorization: `Bearer ${token}` }, body: JSON.stringify(INITIALIZE) });
  expect(init.status).toBe(200);
  sessionId = init.headers.get('mcp-session-id') as string;
  expect(sessionId).toMatch(/^[0-9a-f-]{36}$/);
  expect((await post({ jsonrpc: '2.0', method: 'notifications/initialized' })).status).toBe(202);
}, 30_000);

afterAll(async () => {
  await h?.close();
});

describe('how a call is answered', () => {
  it('a call with nothing to send before its result is one application/json body carrying the session id', async () => {
    const res = await post(call(2, 'everything__echo', { message: 'json please' }));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(res.headers.get('mcp-session-id')).toBe(sessionId);
    expect(res.body).toMatchObject({ jsonrpc: '2.0', id: 2, result: { content: [{ type: 'text', text: 'Echo: json please' }] } });
  });

  it('a call that reports progress becomes an SSE stream: the progress events first, the result last, then the stream ends', async () => {
    const res = await post(call(3, 'everything__trigger-long-running-operation', { duration: 0.3, steps: 3 }, { progressToken: 'p-1' }));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const messages = events(res.body as string) as { method?: string; id?: number; params?: { progress?: number; progressToken?: string } }[];
    expect(messages.slice(0, 3).map((m) => [m.method, m.params?.progressToken, m.params?.progress])).toEqual([
      ['notifications/progress', 'p-1', 1],
      ['notifications/progress', 'p-1', 2],
      ['notifications/progress', 'p-1', 3],
    ]);
    expect(messages.at(-1)).toMatchObject({ jsonrpc: '2.0', id: 3, result: { content: [expect.objectContaining({ type: 'text' })] } });
  });
});

describe('refused by the transport before any decision is made or recorded', () => {
  it('a POST that does not accept both JSON and SSE: 406 ERR_NOT_ACCEPTABLE', async () => {
    const before = await h.headSeq();
    expect(await post(call(4, 'everything__echo', { message: 'x' }), { accept: 'application/json' })).toMatchObject({ status: 406, code: 'ERR_NOT_ACCEPTABLE' });
    expect(await h.decisions(before)).toEqual([]);
  });

  it('an unsupported MCP-Protocol-Version: 400 ERR_INVALID_INPUT naming the supported versions', async () => {
    const before = await h.headSeq();
    const res = await post(call(5, 'everything__echo', { message: 'x' }), { 'mcp-protocol-version': '1999-01-01' });
    expect(res).toMatchObject({ status: 400, code: 'ERR_INVALID_INPUT' });
    expect(JSON.stringify(res.body)).toContain('2025-06-18');
    expect(await h.decisions(before)).toEqual([]);
  });

  it('a message that is not JSON-RPC 2.0 (wrong version, a method that is not a string): 400 ERR_INVALID_INPUT', async () => {
    const before = await h.headSeq();
    expect(await post({ jsonrpc: '1.0', id: 6, method: 'tools/call', params: { name: 'everything__echo', arguments: { message: 'x' } } })).toMatchObject({ status: 400, code: 'ERR_INVALID_INPUT' });
    expect(await post({ jsonrpc: '2.0', id: 7, method: 42 })).toMatchObject({ status: 400, code: 'ERR_INVALID_INPUT' });
    expect(await h.decisions(before)).toEqual([]);
  });

  it('initialize again on a live session: 400 ERR_INVALID_INPUT, and the session goes on working', async () => {
    expect(await post(INITIALIZE)).toMatchObject({ status: 400, code: 'ERR_INVALID_INPUT' });
    expect((await post(call(8, 'everything__echo', { message: 'still here' }))).body).toMatchObject({ id: 8, result: { content: [{ text: 'Echo: still here' }] } });
  });

  it('a second GET stream on one session: 409 ERR_STREAM_CONFLICT while the first is open; after DELETE the session is gone', async () => {
    const headers = { authorization: `Bearer ${token}`, 'mcp-session-id': sessionId, 'mcp-protocol-version': '2025-06-18' };
    const stream = new AbortController();
    const first = await fetch(`${h.url}/mcp`, { headers: { ...headers, accept: 'text/event-stream' }, signal: stream.signal });
    try {
      expect(first.status).toBe(200);
      expect(first.headers.get('content-type')).toBe('text/event-stream');
      expect(await rawRequest(`${h.url}/mcp`, { headers: { ...headers, accept: 'application/json' } })).toMatchObject({ status: 406, code: 'ERR_NOT_ACCEPTABLE' });
      expect(await rawRequest(`${h.url}/mcp`, { headers: { ...headers, accept: 'text/event-stream' } })).toMatchObject({ status: 409, code: 'ERR_STREAM_CONFLICT' });
    } finally {
      stream.abort();
    }
    expect((await rawRequest(`${h.url}/mcp`, { method: 'DELETE', headers })).status).toBe(200);
    expect(await post(call(9, 'everything__echo', { message: 'x' }))).toMatchObject({ status: 404, code: 'ERR_SESSION_NOT_FOUND' });
  });
});
