// MCP features an agent keeps through the gateway, against the real server-everything and the
// charge fixture: argument completion, resource subscriptions with updates routed per session,
// capabilities declared as the downstreams offer them and the grants allow, and refusals that
// say which argument of a granted tool was out of bounds.
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { ResourceUpdatedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GrantSpecInput } from '../../src-shared/grant.js';
import { openGatewayHarness, refusalOf, type GatewayHarness } from '../test-support/gateway-harness.js';

let h: GatewayHarness;
let n = 0;
const open: Client[] = [];

beforeAll(async () => {
  h = await openGatewayHarness({ servers: ['everything', 'pay'] });
}, 60_000);

afterAll(async () => {
  await Promise.all(open.map((c) => c.close().catch(() => undefined)));
  await h?.close();
});

const DOC = 'demo://resource/static/document/architecture.md';
const OTHER_DOC = 'demo://resource/static/document/features.md';

async function agentWith(servers: GrantSpecInput['servers'], path = '/mcp'): Promise<{ id: string; client: Client; grantId: string }> {
  const id = `feat${++n}`;
  const agent = await h.agent(id);
  const grant = await h.grant({ agentId: id, environment: 'dev', servers });
  const client = await agent.connect(path);
  open.push(client);
  return { id, client, grantId: grant.id };
}

/** Resolves with each resources/updated URI the client receives, in order. */
function updatesOf(client: Client): { uris: string[]; next(): Promise<string> } {
  const uris: string[] = [];
  let waiting: ((uri: string) => void) | null = null;
  client.setNotificationHandler(ResourceUpdatedNotificationSchema, (notification) => {
    uris.push(notification.params.uri);
    waiting?.(notification.params.uri);
  });
  return { uris, next: () => new Promise((resolve) => (waiting = resolve)) };
}

describe('capabilities', () => {
  it('a tools-only grant declares tools and nothing the grant does not allow', async () => {
    const { client } = await agentWith({ everything: { tools: { echo: {} } } });
    const caps = client.getServerCapabilities();
    expect(caps?.tools).toEqual({ listChanged: true });
    expect(caps?.resources).toBeUndefined();
    expect(caps?.prompts).toBeUndefined();
    expect(caps?.completions).toBeUndefined();
    // server-everything offers logging, so the level can be set through the gateway.
    expect(caps?.logging).toEqual({});
  });

  it('prompt and resource grants declare what the downstream offers: prompts, resources with subscribe, completions', async () => {
    const { client } = await agentWith({ everything: { tools: {}, prompts: ['completable-prompt'], resources: [DOC] } }, '/mcp/everything');
    const caps = client.getServerCapabilities();
    expect(caps?.prompts).toEqual({ listChanged: true });
    expect(caps?.resources).toEqual({ listChanged: true, subscribe: true });
    expect(caps?.completions).toEqual({});
  });

  it('a server the charge fixture stands for, with no logging, prompts or resources, adds none', async () => {
    const { client } = await agentWith({ pay: { tools: { charge: {} }, prompts: ['x'], resources: ['demo://*'] } });
    const caps = client.getServerCapabilities();
    expect(caps?.logging).toBeUndefined();
    expect(caps?.prompts).toBeUndefined();
    expect(caps?.resources).toBeUndefined();
  });
});

describe('completion/complete', () => {
  it('completes a granted prompt argument, with the prompt name as the endpoint shows it', async () => {
    const { client } = await agentWith({ everything: { tools: {}, prompts: ['completable-prompt'] } });
    const result = await client.complete({ ref: { type: 'ref/prompt', name: 'everything__completable-prompt' }, argument: { name: 'department', value: 'S' } });
    expect(result.completion.values.sort()).toEqual(['Sales', 'Support']);
    const scoped = await agentWith({ everything: { tools: {}, prompts: ['completable-prompt'] } }, '/mcp/everything');
    const second = await scoped.client.complete({ ref: { type: 'ref/prompt', name: 'completable-prompt' }, argument: { name: 'name', value: '' }, context: { arguments: { department: 'Sales' } } });
    expect(second.completion.values).toEqual(['David', 'Eve', 'Frank']);
  });

  it('completion for a prompt the agent may not get is refused with ERR_TOOL_NOT_ALLOWED', async () => {
    const { client } = await agentWith({ everything: { tools: {}, prompts: ['simple-prompt'], resources: [DOC] } });
    const refusal = await refusalOf(client.complete({ ref: { type: 'ref/prompt', name: 'everything__completable-prompt' }, argument: { name: 'department', value: '' } }));
    expect(refusal.code).toBe('ERR_TOOL_NOT_ALLOWED');
  });

  it('completion of a resource template offers only values whose URI the grant lets the agent read', async () => {
    const { client } = await agentWith({ everything: { tools: {}, resources: ['demo://resource/dynamic/text/1*'] } });
    const ref = { type: 'ref/resource' as const, uri: 'demo://resource/dynamic/text/{resourceId}' };
    expect((await client.complete({ ref, argument: { name: 'resourceId', value: '12' } })).completion.values).toEqual(['12']);
    expect((await client.complete({ ref, argument: { name: 'resourceId', value: '7' } })).completion.values).toEqual([]);
  });

  it('completion of a template on a server the agent may read nothing of is refused', async () => {
    const { client } = await agentWith({ everything: { tools: {}, prompts: ['completable-prompt'] } });
    const refusal = await refusalOf(client.complete({ ref: { type: 'ref/resource', uri: 'demo://resource/dynamic/text/{resourceId}' }, argument: { name: 'resourceId', value: '1' } }));
    expect(refusal.code).toBe('ERR_TOOL_NOT_ALLOWED');
  });
});

describe('resources/subscribe', () => {
  it('delivers updates to the sessions that subscribed, not to another agent, and stops when the grant is revoked', async () => {
    const reader = await agentWith({ everything: { tools: { 'toggle-subscriber-updates': {} }, resources: [DOC] } });
    const bystander = await agentWith({ everything: { tools: {}, resources: [DOC] } });
    const heard = updatesOf(reader.client);
    const overheard = updatesOf(bystander.client);
    await reader.client.subscribeResource({ uri: DOC });
    const first = heard.next();
    // server-everything sends an update for each subscribed URI at once when updates are switched on.
    await reader.client.callTool({ name: 'everything__toggle-subscriber-updates', arguments: {} });
    expect(await first).toBe(DOC);
    expect(overheard.uris).toEqual([]);

    await h.plane.handlers['grants.revoke']({ id: reader.grantId });
    const count = heard.uris.length;
    // Updates are switched per downstream session, which all agents share: off, then on again,
    // which sends one more update at once. The agent whose grant was revoked must not get it.
    const again = await agentWith({ everything: { tools: { 'toggle-subscriber-updates': {} }, resources: [DOC] } });
    const witness = updatesOf(again.client);
    await again.client.subscribeResource({ uri: DOC });
    await again.client.callTool({ name: 'everything__toggle-subscriber-updates', arguments: {} });
    const seen = witness.next();
    await again.client.callTool({ name: 'everything__toggle-subscriber-updates', arguments: {} });
    expect(await seen).toBe(DOC);
    expect(heard.uris.length).toBe(count);
    expect(overheard.uris).toEqual([]);
    await again.client.callTool({ name: 'everything__toggle-subscriber-updates', arguments: {} });
  });

  it('agent subscribes to a resource it may not read: ERR_TOOL_NOT_ALLOWED', async () => {
    const { client } = await agentWith({ everything: { tools: {}, resources: [DOC] } });
    const refusal = await refusalOf(client.subscribeResource({ uri: OTHER_DOC }));
    expect(refusal.code).toBe('ERR_TOOL_NOT_ALLOWED');
  });

  it('subscribe with a traversal URI is refused as input, not matched', async () => {
    const { client } = await agentWith({ everything: { tools: {}, resources: ['demo://resource/static/document/*'] } });
    const refusal = await refusalOf(client.subscribeResource({ uri: 'demo://resource/static/document/%2e%2e/%2e%2e/secret' }));
    expect(refusal.code).toBe('ERR_INVALID_INPUT');
  });

  it('unsubscribe ends the subscription even after the grant is gone', async () => {
    const { client, grantId } = await agentWith({ everything: { tools: {}, resources: [DOC] } });
    await client.subscribeResource({ uri: DOC });
    await h.plane.handlers['grants.revoke']({ id: grantId });
    await expect(client.unsubscribeResource({ uri: DOC })).resolves.toEqual({});
  });
});

describe('refusal wording', () => {
  it('an amount above the granted maximum names the argument and the maximum, not "no grant allows"', async () => {
    const { client } = await agentWith({ pay: { tools: { charge: { args: { amount: { amount: { max: '100.00' } } } } } } });
    const refusal = await refusalOf(client.callTool({ name: 'pay__charge', arguments: { amount: '5000.00' } }));
    expect(refusal.code).toBe('ERR_TOOL_NOT_ALLOWED');
    expect(refusal.message).toMatch(/argument \\?"amount\\?" is 5000, above the grant's maximum 100\.00/);
    expect(refusal.message).not.toMatch(/no grant allows/);
  });

  it('a value outside oneOf, and a missing constrained argument, are named', async () => {
    const { client } = await agentWith({ pay: { tools: { charge: { args: { amount: { amount: { max: '10' } }, memo: { oneOf: ['rent', 'food'] } } } } } });
    const wrong = await refusalOf(client.callTool({ name: 'pay__charge', arguments: { amount: '5', memo: 'casino' } }));
    expect(wrong.message.replaceAll('\\"', '"')).toMatch(/argument "memo" is "casino", not one of "rent", "food"/);
    const missing = await refusalOf(client.callTool({ name: 'pay__charge', arguments: { amount: '5' } }));
    expect(missing.message.replaceAll('\\"', '"')).toMatch(/argument "memo" is required by the grant and was not given/);
  });

  it('a tool no grant names still says only that', async () => {
    const { client } = await agentWith({ pay: { tools: { charge: {} } } });
    const refusal = await refusalOf(client.callTool({ name: 'pay__refund', arguments: { amount: '1' } }));
    expect(refusal.message).toMatch(/no grant allows tools\/call of pay__refund/);
    expect(h.ledger().some((l) => l.tool === 'refund')).toBe(false);
  });
});
