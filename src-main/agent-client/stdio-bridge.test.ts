// The stdio bridge as a library (what `charon connect` runs), in process: a real control plane and
// gateway, real MCP servers from npm, the bridge between an SDK client and the gateway over an
// in-memory transport pair (the CLI test drives the same bridge over real stdio).
import { getEventListeners } from 'node:events';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { CreateMessageRequestSchema, McpError, type ClientCapabilities } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openGatewayHarness, textOf, type GatewayHarness } from '../test-support/gateway-harness.js';
import { CharonMcpTransport } from './charon-mcp-transport.js';
import { CharonAgent } from './charon-agent.js';
import { DpopKey } from './dpop-key.js';
import { startStdioBridge, type StdioBridge } from './stdio-bridge.js';

let h: GatewayHarness;
let agent: CharonAgent;
let bridge: StdioBridge;
let client: Client;
const logs: string[] = [];

async function bridged(path = '/mcp', capabilities: ClientCapabilities = {}, setup: (c: Client) => void = () => undefined): Promise<{ client: Client; bridge: StdioBridge }> {
  const [clientSide, bridgeSide] = InMemoryTransport.createLinkedPair();
  const b = await startStdioBridge({ agent, path, transport: bridgeSide, log: (m) => logs.push(m) });
  const c = new Client({ name: 'desktop-chat-app', version: '1.0.0' }, { capabilities });
  setup(c);
  await c.connect(clientSide);
  return { client: c, bridge: b };
}

/** The error an MCP call ended with. */
async function mcpErrorOf(call: Promise<unknown>): Promise<McpError> {
  const error = await call.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(McpError);
  return error as McpError;
}

beforeAll(async () => {
  h = await openGatewayHarness({ servers: ['everything', 'memory'] });
  const joinToken = await h.register('bridged');
  await h.grant({
    agentId: 'bridged',
    environment: 'dev',
    servers: {
      everything: { tools: { echo: {}, 'trigger-long-running-operation': {}, 'trigger-sampling-request': {} }, resources: ['demo://resource/static/document/architecture.md'], prompts: ['simple-prompt'] },
      memory: { tools: { read_graph: {}, create_entities: {} } },
    },
  });
  agent = new CharonAgent({ url: h.url, agentId: 'bridged', joinToken, dpopKey: await DpopKey.generate(), now: () => h.clock.now() });
  ({ client, bridge } = await bridged());
}, 30_000);

afterAll(async () => {
  await client?.close();
  await bridge?.close();
  await h?.close();
});

describe('startStdioBridge', () => {
  it('answers as Charon and lists exactly the granted tools, resources and prompts', async () => {
    expect(client.getServerVersion()?.name).toBe('charon');
    expect((await client.listTools()).tools.map((t) => t.name).sort()).toEqual(['everything__echo', 'everything__trigger-long-running-operation', 'everything__trigger-sampling-request', 'memory__create_entities', 'memory__read_graph']);
    expect((await client.listResources()).resources.map((r) => r.uri)).toEqual(['demo://resource/static/document/architecture.md']);
    expect((await client.readResource({ uri: 'demo://resource/static/document/architecture.md' })).contents[0]?.uri).toBe('demo://resource/static/document/architecture.md');
    expect(Array.isArray((await client.listResourceTemplates()).resourceTemplates)).toBe(true);
    expect((await client.listPrompts()).prompts.map((p) => p.name)).toEqual(['everything__simple-prompt']);
    expect((await client.getPrompt({ name: 'everything__simple-prompt' })).messages.length).toBeGreaterThan(0);
  });

  it('mirrors what the gateway declares: resources with subscribe, prompts, completions, logging; and completes through it', async () => {
    expect(client.getServerCapabilities()).toMatchObject({ tools: { listChanged: true }, resources: { listChanged: true, subscribe: true }, prompts: { listChanged: true }, completions: {}, logging: {} });
    const refused = await mcpErrorOf(client.complete({ ref: { type: 'ref/prompt', name: 'everything__completable-prompt' }, argument: { name: 'department', value: '' } }));
    expect(refused.data).toMatchObject({ code: 'ERR_TOOL_NOT_ALLOWED' });
    await expect(client.subscribeResource({ uri: 'demo://resource/static/document/architecture.md' })).resolves.toEqual({});
  });

  it('calls a granted tool', async () => {
    expect(textOf(await client.callTool({ name: 'everything__echo', arguments: { message: 'through the bridge' } }))).toContain('through the bridge');
  });

  it('turns a gateway refusal into an MCP error whose message and data carry the Charon code', async () => {
    const refused = await mcpErrorOf(client.callTool({ name: 'everything__get-env', arguments: {} }));
    expect(refused.code).toBe(-32003);
    expect(refused.message).toContain('ERR_TOOL_NOT_ALLOWED');
    expect(refused.data).toMatchObject({ code: 'ERR_TOOL_NOT_ALLOWED', status: 403 });
    const resource = await mcpErrorOf(client.readResource({ uri: 'demo://resource/dynamic/text/1' }));
    expect(resource.message).toContain('ERR_TOOL_NOT_ALLOWED');
  });

  it('forwards progress notifications under the client’s own token, before the result', async () => {
    const progress: [number, number | undefined][] = [];
    const result = await client.callTool({ name: 'everything__trigger-long-running-operation', arguments: { duration: 0.6, steps: 3 } }, undefined, {
      onprogress: (p) => progress.push([p.progress, p.total]),
    });
    expect(progress).toEqual([
      [1, 3],
      [2, 3],
      [3, 3],
    ]);
    expect(textOf(result)).toMatch(/completed/i);
  });

  it('propagates cancellation: the aborted call rejects, and the session goes on', async () => {
    const controller = new AbortController();
    const call = client.callTool({ name: 'everything__trigger-long-running-operation', arguments: { duration: 5, steps: 5 } }, undefined, { signal: controller.signal });
    setTimeout(() => controller.abort('changed my mind'), 200);
    const started = Date.now();
    await expect(call).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(4000);
    expect(textOf(await client.callTool({ name: 'everything__echo', arguments: { message: 'after cancel' } }))).toContain('after cancel');
  });

  it('opens a new gateway session when the gateway dropped the old one (idle reaping, restart)', async () => {
    await h.plane.gateway.gateway.close();
    expect(textOf(await client.callTool({ name: 'everything__echo', arguments: { message: 'new session' } }))).toContain('new session');
    expect(logs.some((l) => l.includes('opening a new one'))).toBe(true);
  });

  it('a downstream sampling request reaches the MCP client behind the bridge; a client without the capability gets a clear refusal', async () => {
    const sampling = await bridged('/mcp', { sampling: {} }, (c) =>
      c.setRequestHandler(CreateMessageRequestSchema, async () => ({ role: 'assistant', model: 'desktop-llm', content: { type: 'text', text: 'answered on the desktop' } })),
    );
    try {
      expect(textOf(await sampling.client.callTool({ name: 'everything__trigger-sampling-request', arguments: { prompt: 'hi', maxTokens: 5 } }))).toContain('answered on the desktop');
    } finally {
      await sampling.client.close();
      await sampling.bridge.close();
    }
    const refused = await client.callTool({ name: 'everything__trigger-sampling-request', arguments: { prompt: 'hi', maxTokens: 5 } });
    expect(refused.isError).toBe(true);
    expect(textOf(refused)).toContain('did not declare the sampling capability');
  });

  it('a one-server bridge (/mcp/<server>) uses the server’s own tool names', async () => {
    const one = await bridged('/mcp/memory');
    try {
      expect((await one.client.listTools()).tools.map((t) => t.name).sort()).toEqual(['create_entities', 'read_graph']);
    } finally {
      await one.client.close();
      await one.bridge.close();
    }
  });

  it('2100 calls on long-lived connections (1600 through the bridge): no MaxListenersExceededWarning, no abort listeners piling up', { timeout: 120_000 }, async () => {
    const warnings: Error[] = [];
    const onWarning = (w: Error): void => void warnings.push(w);
    process.on('warning', onWarning);
    // The transport links every request to one AbortSignal (per connection): watch it.
    const transport = agent.mcpTransport('/mcp');
    if (!(transport instanceof CharonMcpTransport)) throw new Error('a loopback listener gets the Charon MCP transport');
    const direct = new Client({ name: 'long-lived', version: '1.0.0' });
    await direct.connect(transport);
    const signal = transport.signal;
    expect(signal).toBeInstanceOf(AbortSignal);
    const listening = (): number => getEventListeners(signal as AbortSignal, 'abort').length;
    let most = 0;
    try {
      for (let i = 0; i < 500; i++) {
        await direct.callTool({ name: 'memory__read_graph', arguments: {} });
        most = Math.max(most, listening());
      }
      for (let i = 0; i < 1600; i++) await client.callTool({ name: 'memory__read_graph', arguments: {} });
      // Node's fetch would leave one listener per request until garbage collection (the cause of the
      // warning); here only the long-lived GET stream listens, per-request links end with each response.
      expect(most).toBeLessThanOrEqual(2);
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([]);
    } finally {
      process.off('warning', onWarning);
      await direct.close();
    }
  });
});
