// MCP 2026-07-28 through the gateway, written from the revision's text with raw HTTP (no SDK
// speaks it yet), against the real server-everything and the charge fixture: stateless requests
// decided one by one, mirrored headers that must match the body, caching hints, subscriptions/listen,
// and a downstream's elicitation reaching the agent as an input-required result.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GrantSpecInput } from '../../src-shared/grant.js';
import { openGatewayHarness, type GatewayHarness } from '../test-support/gateway-harness.js';
import { modernRequest, openListen } from '../test-support/modern-client.js';

let h: GatewayHarness;
let n = 0;
beforeAll(async () => void (h = await openGatewayHarness({ servers: ['everything', 'pay'] })), 60_000);
afterAll(() => h?.close());

const DOC = 'demo://resource/static/document/architecture.md';
const OTHER_DOC = 'demo://resource/static/document/features.md';

async function agentWith(servers: GrantSpecInput['servers']): Promise<{ id: string; token: string; grantId: string }> {
  const id = `modern${++n}`;
  await h.activeAgent(id);
  const grant = await h.grant({ agentId: id, environment: 'dev', servers });
  return { id, token: (await h.issue(id)).token, grantId: grant.id };
}

const call = (token: string, method: string, params: Record<string, unknown>, options: Omit<Parameters<typeof modernRequest>[3], 'token'> = {}) => modernRequest(h.url, method, params, { token, ...options });

describe('stateless requests', () => {
  it('server/discover, then lists filtered by the grant, marked private with a TTL; no session is minted', async () => {
    const { token } = await agentWith({ everything: { tools: { echo: {} }, resources: [DOC] } });
    const discovered = await call(token, 'server/discover', {});
    expect(discovered.status).toBe(200);
    expect(discovered.body.result).toMatchObject({ resultType: 'complete', supportedVersions: expect.arrayContaining(['2026-07-28']), capabilities: { tools: {}, resources: { subscribe: true } }, cacheScope: 'private' });
    expect(discovered.body.result?._meta).toMatchObject({ 'io.modelcontextprotocol/serverInfo': { name: 'charon-gateway' } });
    const tools = await call(token, 'tools/list', {}, { headers: { 'mcp-session-id': 'ignored-by-modern-servers' } });
    expect(tools.headers.get('mcp-session-id')).toBeNull();
    expect(tools.body.result).toMatchObject({ resultType: 'complete', cacheScope: 'private', ttlMs: expect.any(Number) });
    expect((tools.body.result?.tools as { name: string }[]).map((t) => t.name)).toEqual(['everything__echo']);
    const read = await call(token, 'resources/read', { uri: DOC });
    expect(read.body.result).toMatchObject({ resultType: 'complete', ttlMs: 0, cacheScope: 'private' });
  });

  it('each tools/call is decided and recorded on its own; a refusal is 403 with the scope challenge', async () => {
    const { token } = await agentWith({ everything: { tools: { echo: {} } } });
    const before = await h.headSeq();
    const ok = await call(token, 'tools/call', { name: 'everything__echo', arguments: { message: 'hello 2026' } });
    expect(ok.status).toBe(200);
    expect(ok.body.result).toMatchObject({ resultType: 'complete', content: [{ type: 'text', text: expect.stringContaining('hello 2026') }] });
    const refused = await call(token, 'tools/call', { name: 'everything__get-env', arguments: {} });
    expect(refused.status).toBe(403);
    expect(refused.headers.get('www-authenticate')).toContain('error="insufficient_scope", scope="mcp"');
    expect(refused.body.error?.data).toMatchObject({ code: 'ERR_TOOL_NOT_ALLOWED' });
    expect((await h.decisions(before)).map((r) => [r.subject, r.decision])).toEqual([
      ['everything__echo', 'allow'],
      ['everything__get-env', 'deny'],
    ]);
  });

  it('Mcp-Name header naming a granted tool while the body calls another: 400 HeaderMismatch (-32020), nothing decided, nothing forwarded', async () => {
    const { token } = await agentWith({ pay: { tools: { charge: {} } } });
    const before = await h.headSeq();
    const ledger = h.ledger().length;
    const reply = await call(token, 'tools/call', { name: 'pay__refund', arguments: { amount: '1' } }, { headers: { 'mcp-name': 'pay__charge' } });
    expect(reply.status).toBe(400);
    expect(reply.body.error).toMatchObject({ code: -32020, data: { code: 'ERR_HEADER_MISMATCH' } });
    expect(await h.decisions(before)).toEqual([]);
    expect(h.ledger()).toHaveLength(ledger);
  });

  it.each([
    ['Mcp-Method missing', { headers: { 'mcp-method': null } }],
    ['Mcp-Method naming another method', { headers: { 'mcp-method': 'tools/list' } }],
    ['Mcp-Name missing', { headers: { 'mcp-name': null } }],
    ['MCP-Protocol-Version header (a version spoken here) differing from _meta', { headers: { 'mcp-protocol-version': '2025-11-25' } }],
  ])('%s: 400 HeaderMismatch', async (_name, options) => {
    const { token } = await agentWith({ everything: { tools: { echo: {} } } });
    const reply = await call(token, 'tools/call', { name: 'everything__echo', arguments: { message: 'x' } }, options);
    expect(reply.status).toBe(400);
    expect(reply.body.error?.code).toBe(-32020);
  });

  it('a base64-encoded Mcp-Name (=?base64?…?=) is decoded before it is compared', async () => {
    const { token } = await agentWith({ everything: { tools: { echo: {} } } });
    const reply = await call(token, 'tools/call', { name: 'everything__echo', arguments: { message: 'b64' } }, { headers: { 'mcp-name': `=?base64?${Buffer.from('everything__echo').toString('base64')}?=` } });
    expect(reply.status).toBe(200);
  });

  it('an unsupported version is refused with UnsupportedProtocolVersion (-32022) naming what is supported', async () => {
    const { token } = await agentWith({ everything: { tools: { echo: {} } } });
    const reply = await call(token, 'tools/list', {}, { headers: { 'mcp-protocol-version': '1900-01-01' }, meta: { 'io.modelcontextprotocol/protocolVersion': '1900-01-01' } });
    expect(reply.status).toBe(400);
    expect(reply.body.error).toMatchObject({ code: -32022, data: { supported: ['2026-07-28', '2025-11-25'], requested: '1900-01-01' } });
  });

  it('methods the revision removed (ping, logging/setLevel, resources/subscribe) are 404 Method not found', async () => {
    const { token } = await agentWith({ everything: { tools: { echo: {} }, resources: [DOC] } });
    for (const method of ['ping', 'logging/setLevel', 'resources/subscribe']) {
      const reply = await call(token, method, method === 'resources/subscribe' ? { uri: DOC } : {});
      expect(reply.status, method).toBe(404);
      expect(reply.body.error?.code).toBe(-32601);
    }
  });

  it('progress for a call arrives on that call’s own stream, before its result', async () => {
    const { token } = await agentWith({ everything: { tools: { 'trigger-long-running-operation': {} } } });
    const reply = await call(token, 'tools/call', { name: 'everything__trigger-long-running-operation', arguments: { duration: 0.2, steps: 2 } }, { progressToken: 'p1' });
    expect(reply.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(reply.notifications.map((m) => [m.method, m.params.progressToken])).toEqual([
      ['notifications/progress', 'p1'],
      ['notifications/progress', 'p1'],
    ]);
    expect(reply.body.result).toMatchObject({ resultType: 'complete' });
  });
});

describe('multi round-trip requests (a downstream asks the agent)', () => {
  const elicit = { name: 'everything__trigger-elicitation-request', arguments: {} };
  const caps = { elicitation: { form: {} } };

  it('an elicitation becomes an input-required result; the retry with the answer completes the same call', async () => {
    const { token } = await agentWith({ everything: { tools: { 'trigger-elicitation-request': {} } } });
    const before = await h.headSeq();
    const first = await call(token, 'tools/call', elicit, { capabilities: caps });
    expect(first.body.result).toMatchObject({ resultType: 'input_required', requestState: expect.any(String) });
    const inputRequests = first.body.result?.inputRequests as Record<string, { method: string; params: { message: string } }>;
    const [key, question] = Object.entries(inputRequests)[0] as [string, { method: string; params: { message: string } }];
    expect(question.method).toBe('elicitation/create');
    const retry = await call(token, 'tools/call', { ...elicit, inputResponses: { [key]: { action: 'accept', content: { name: 'Ada Lovelace', check: true } } }, requestState: first.body.result?.requestState }, { capabilities: caps });
    expect(retry.body.result).toMatchObject({ resultType: 'complete' });
    expect(JSON.stringify(retry.body.result?.content)).toContain('Ada Lovelace');
    // One call, one decision: the retry continued it.
    expect((await h.decisions(before)).map((r) => r.decision)).toEqual(['allow']);
    // Spent: the same state cannot continue anything again.
    const replay = await call(token, 'tools/call', { ...elicit, inputResponses: { [key]: { action: 'decline' } }, requestState: first.body.result?.requestState }, { capabilities: caps });
    expect(replay.body.error?.data).toMatchObject({ code: 'ERR_REQUEST_STATE_INVALID' });
  });

  it('requestState from another agent, or altered, is refused: ERR_REQUEST_STATE_INVALID', async () => {
    const owner = await agentWith({ everything: { tools: { 'trigger-elicitation-request': {} } } });
    const thief = await agentWith({ everything: { tools: { 'trigger-elicitation-request': {} } } });
    const first = await call(owner.token, 'tools/call', elicit, { capabilities: caps });
    const state = first.body.result?.requestState as string;
    const key = Object.keys(first.body.result?.inputRequests as object)[0] as string;
    const stolen = await call(thief.token, 'tools/call', { ...elicit, inputResponses: { [key]: { action: 'accept', content: { name: 'Mallory' } } }, requestState: state }, { capabilities: caps });
    expect(stolen.status).toBe(400);
    expect(stolen.body.error?.data).toMatchObject({ code: 'ERR_REQUEST_STATE_INVALID' });
    const altered = `${state.slice(0, -2)}${state.endsWith('AA') ? 'BB' : 'AA'}`;
    const forged = await call(owner.token, 'tools/call', { ...elicit, inputResponses: { [key]: { action: 'decline' } }, requestState: altered }, { capabilities: caps });
    expect(forged.body.error?.data).toMatchObject({ code: 'ERR_REQUEST_STATE_INVALID' });
    // The owner can still finish its own call.
    const done = await call(owner.token, 'tools/call', { ...elicit, inputResponses: { [key]: { action: 'decline' } }, requestState: state }, { capabilities: caps });
    expect(done.body.result).toMatchObject({ resultType: 'complete' });
  });

  it('a retry without the answer is asked the same question again', async () => {
    const { token } = await agentWith({ everything: { tools: { 'trigger-elicitation-request': {} } } });
    const first = await call(token, 'tools/call', elicit, { capabilities: caps });
    const again = await call(token, 'tools/call', { ...elicit, requestState: first.body.result?.requestState }, { capabilities: caps });
    expect(again.body.result).toMatchObject({ resultType: 'input_required' });
    expect(Object.values(again.body.result?.inputRequests as object)[0]).toMatchObject({ method: 'elicitation/create' });
    const key = Object.keys(again.body.result?.inputRequests as object)[0] as string;
    const done = await call(token, 'tools/call', { ...elicit, inputResponses: { [key]: { action: 'cancel' } }, requestState: again.body.result?.requestState }, { capabilities: caps });
    expect(done.body.result).toMatchObject({ resultType: 'complete' });
  });

  it('a client that did not declare elicitation is never sent one: the downstream is refused instead', async () => {
    const { token } = await agentWith({ everything: { tools: { 'trigger-elicitation-request': {} } } });
    const reply = await call(token, 'tools/call', elicit, { capabilities: {} });
    expect(reply.body.result?.resultType ?? 'error').not.toBe('input_required');
  });
});

describe('subscriptions/listen', () => {
  it('acknowledges what it honours, then delivers list changes and resource updates tagged with the subscription id', { timeout: 30_000 }, async () => {
    const { id, token } = await agentWith({ everything: { tools: { echo: {}, 'toggle-subscriber-updates': {} }, resources: [DOC] } });
    const listen = await openListen(h.url, { toolsListChanged: true, resourceSubscriptions: [DOC, OTHER_DOC] }, { token, id: 7 });
    try {
      const ack = await listen.waitFor((m) => m.method === 'notifications/subscriptions/acknowledged');
      // The resource the agent may not read is left out of what was agreed.
      expect(ack.params).toEqual({ _meta: { 'io.modelcontextprotocol/subscriptionId': 7 }, notifications: { toolsListChanged: true, resourceSubscriptions: [DOC] } });

      await h.grant({ agentId: id, environment: 'dev', servers: { everything: { tools: { 'get-sum': {} } } } });
      const changed = await listen.waitFor((m) => m.method === 'notifications/tools/list_changed');
      expect(changed.params).toEqual({ _meta: { 'io.modelcontextprotocol/subscriptionId': 7 } });

      // server-everything sends an update for each subscribed URI as soon as updates are switched on (off first if another test left them on).
      await call(token, 'tools/call', { name: 'everything__toggle-subscriber-updates', arguments: {} });
      if (!listen.messages.some((m) => m.method === 'notifications/resources/updated')) await call(token, 'tools/call', { name: 'everything__toggle-subscriber-updates', arguments: {} });
      const updated = await listen.waitFor((m) => m.method === 'notifications/resources/updated');
      expect(updated.params).toEqual({ uri: DOC, _meta: { 'io.modelcontextprotocol/subscriptionId': 7 } });
      expect(listen.messages.some((m) => (m.params as { uri?: string } | undefined)?.uri === OTHER_DOC)).toBe(false);
      // Log lines and progress never go to a listen stream.
      expect(listen.messages.some((m) => m.method === 'notifications/message' || m.method === 'notifications/progress')).toBe(false);
    } finally {
      listen.close();
    }
  });

  it('a revoked agent’s listen stream ends gracefully with the listen request’s own response', async () => {
    const { id, token } = await agentWith({ everything: { tools: { echo: {} } } });
    const listen = await openListen(h.url, { toolsListChanged: true }, { token, id: 'l-end' });
    try {
      await listen.waitFor((m) => m.method === 'notifications/subscriptions/acknowledged');
      await h.plane.handlers['identities.revoke']({ id, reason: 'test' });
      const end = await listen.waitFor((m) => m.id === 'l-end');
      expect(end).toMatchObject({ result: { resultType: 'complete', _meta: { 'io.modelcontextprotocol/subscriptionId': 'l-end' } } });
    } finally {
      listen.close();
    }
  });
});
