// What downstream servers initiate, through the gateway, with the official SDK client against real
// server-everything: sampling and elicitation reach the agent whose call caused them (or are refused
// with a clear MCP error), logging reaches the sessions it concerns, and a downstream's list_changed
// reaches an agent only when the list its grant lets it see changed.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { CreateMessageRequestSchema, ElicitRequestSchema, LoggingMessageNotificationSchema, ToolListChangedNotificationSchema, type ClientCapabilities } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openGatewayHarness, textOf, type GatewayHarness, type TestAgent } from '../test-support/gateway-harness.js';

let h: GatewayHarness;
let alice: TestAgent;
let bob: TestAgent;

const everythingTools = { echo: {}, 'trigger-long-running-operation': {}, 'trigger-sampling-request': {}, 'trigger-elicitation-request': {}, 'toggle-simulated-logging': {} };

beforeAll(async () => {
  h = await openGatewayHarness({ servers: ['everything', 'grow'] });
  alice = await h.agent('alice-agent');
  bob = await h.agent('bob-agent');
  await h.grant({ agentId: 'alice-agent', environment: 'dev', servers: { everything: { tools: everythingTools }, grow: { tools: { grow: {}, shout: {}, 'granted-1': {} } } } });
  await h.grant({ agentId: 'bob-agent', environment: 'dev', servers: { everything: { tools: everythingTools }, grow: { tools: { grow: {} } } } });
}, 30_000);

afterAll(async () => {
  await h?.close();
});

function clientOf(capabilities: ClientCapabilities): Client {
  return new Client({ name: 'downstream-requests-test', version: '1.0.0' }, { capabilities });
}

async function connected(agent: TestAgent, client: Client, path = '/mcp'): Promise<Client> {
  await client.connect(agent.client.mcpTransport(path));
  return client;
}

describe('sampling and elicitation from server-everything reach the calling agent', () => {
  it('sampling/createMessage is answered by the agent whose call is in flight, and its answer reaches the tool', async () => {
    const client = clientOf({ sampling: {} });
    const asked: unknown[] = [];
    client.setRequestHandler(CreateMessageRequestSchema, async (request) => {
      asked.push(request.params.messages);
      return { role: 'assistant', model: 'agent-llm', content: { type: 'text', text: 'the ferryman says hello' } };
    });
    await connected(alice, client);
    try {
      const result = await client.callTool({ name: 'everything__trigger-sampling-request', arguments: { prompt: 'greet the dead', maxTokens: 5 } });
      expect(result.isError ?? false).toBe(false);
      expect(textOf(result)).toContain('the ferryman says hello');
      expect(JSON.stringify(asked)).toContain('greet the dead');
    } finally {
      await client.close();
    }
  });

  it('elicitation/create is answered by the agent (its person), and the answer reaches the tool', async () => {
    const client = clientOf({ elicitation: {} });
    client.setRequestHandler(ElicitRequestSchema, async () => ({ action: 'accept', content: { name: 'Ada Lovelace', check: true } }));
    await connected(alice, client);
    try {
      const result = await client.callTool({ name: 'everything__trigger-elicitation-request', arguments: {} });
      expect(textOf(result)).toContain('Name: Ada Lovelace');
    } finally {
      await client.close();
    }
  });

  it('an agent client without the sampling capability gets a clear MCP error in the tool result, not a hang', async () => {
    const client = await connected(alice, clientOf({}));
    try {
      const started = Date.now();
      const result = await client.callTool({ name: 'everything__trigger-sampling-request', arguments: { prompt: 'hi', maxTokens: 5 } });
      expect(result.isError).toBe(true);
      expect(textOf(result)).toContain('did not declare the sampling capability');
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      await client.close();
    }
  });

  it("sampling while another agent's call is in flight on the same server is refused, never sent to the other agent", async () => {
    const aliceClient = clientOf({ sampling: {} });
    const bobClient = clientOf({ sampling: {} });
    let bobAsked = 0;
    let aliceAsked = 0;
    aliceClient.setRequestHandler(CreateMessageRequestSchema, async () => {
      aliceAsked++;
      return { role: 'assistant', model: 'm', content: { type: 'text', text: 'alice answers' } };
    });
    bobClient.setRequestHandler(CreateMessageRequestSchema, async () => {
      bobAsked++;
      return { role: 'assistant', model: 'm', content: { type: 'text', text: 'bob answers' } };
    });
    await connected(alice, aliceClient);
    await connected(bob, bobClient);
    try {
      const bobsLongCall = bobClient.callTool({ name: 'everything__trigger-long-running-operation', arguments: { duration: 1.5, steps: 3 } });
      await new Promise((resolve) => setTimeout(resolve, 300));
      const result = await aliceClient.callTool({ name: 'everything__trigger-sampling-request', arguments: { prompt: 'whose?', maxTokens: 5 } });
      expect(result.isError).toBe(true);
      expect(textOf(result)).toContain('Calls of several agents are in flight');
      expect(bobAsked).toBe(0);
      expect(aliceAsked).toBe(0);
      await bobsLongCall;
      // Once alone again, alice's sampling goes through.
      expect(textOf(await aliceClient.callTool({ name: 'everything__trigger-sampling-request', arguments: { prompt: 'now', maxTokens: 5 } }))).toContain('alice answers');
    } finally {
      await aliceClient.close();
      await bobClient.close();
    }
  });
});

describe('downstream notifications', () => {
  it('logging from server-everything during a call reaches the calling session, named after its server', async () => {
    const client = await connected(alice, clientOf({}));
    const logs: { level: string; logger?: string; data: unknown }[] = [];
    client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => void logs.push(n.params));
    try {
      await client.setLoggingLevel('debug');
      await client.callTool({ name: 'everything__toggle-simulated-logging', arguments: {} });
      expect(logs.length).toBeGreaterThanOrEqual(1);
      expect(logs[0]?.logger).toBe('everything');
      expect(String(logs[0]?.data)).toMatch(/message/i);
      await client.callTool({ name: 'everything__toggle-simulated-logging', arguments: {} });
    } finally {
      await client.close();
    }
  });

  it('a log message sent when no call runs reaches the sessions that may use that server, on their standalone stream, filtered by level', async () => {
    const loud = await connected(alice, clientOf({}));
    const quiet = await connected(alice, clientOf({}));
    const heard: unknown[] = [];
    const quietHeard: unknown[] = [];
    const got = new Promise<void>((resolve) =>
      loud.setNotificationHandler(LoggingMessageNotificationSchema, (n) => {
        heard.push(n.params);
        resolve();
      }),
    );
    quiet.setNotificationHandler(LoggingMessageNotificationSchema, (n) => void quietHeard.push(n.params));
    try {
      await quiet.setLoggingLevel('error');
      await loud.callTool({ name: 'grow__shout', arguments: { text: 'the river is rising' } });
      await got;
      expect(heard).toEqual([{ level: 'warning', logger: 'grow/growing', data: 'the river is rising' }]);
      // A warning is below the quiet session's level.
      expect(quietHeard).toEqual([]);
    } finally {
      await loud.close();
      await quiet.close();
    }
  });

  it("tools/list_changed reaches an agent only when its policy-filtered list changed (bob's grant does not cover the new tool)", async () => {
    const aliceClient = await connected(alice, clientOf({}));
    const bobClient = await connected(bob, clientOf({}));
    let aliceTold = 0;
    let bobTold = 0;
    const aliceNotified = new Promise<void>((resolve) =>
      aliceClient.setNotificationHandler(ToolListChangedNotificationSchema, () => {
        aliceTold++;
        resolve();
      }),
    );
    bobClient.setNotificationHandler(ToolListChangedNotificationSchema, () => void bobTold++);
    try {
      const before = (await aliceClient.listTools()).tools.map((t) => t.name);
      expect(before).not.toContain('grow__granted-1');
      const bobBefore = (await bobClient.listTools()).tools.map((t) => t.name);
      // The downstream adds a tool that alice's grant names and bob's does not.
      await bobClient.callTool({ name: 'grow__grow', arguments: { name: 'granted-1' } });
      await aliceNotified;
      expect((await aliceClient.listTools()).tools.map((t) => t.name)).toContain('grow__granted-1');
      expect((await bobClient.listTools()).tools.map((t) => t.name)).toEqual(bobBefore);
      // A tool nobody is granted changes no one's list: nobody is told.
      await bobClient.callTool({ name: 'grow__grow', arguments: { name: 'ungranted-1' } });
      await bobClient.listTools();
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(aliceTold).toBe(1);
      expect(bobTold).toBe(0);
    } finally {
      await aliceClient.close();
      await bobClient.close();
    }
  });

  it("a grant created or revoked for an agent tells that agent's open sessions its tools changed, and no one else's", async () => {
    const aliceClient = await connected(alice, clientOf({}));
    const bobClient = await connected(bob, clientOf({}));
    let bobTold = 0;
    let notify = (): void => undefined;
    aliceClient.setNotificationHandler(ToolListChangedNotificationSchema, () => notify());
    bobClient.setNotificationHandler(ToolListChangedNotificationSchema, () => void bobTold++);
    const told = () => new Promise<void>((resolve) => (notify = resolve));
    try {
      await aliceClient.listTools();
      await bobClient.listTools();
      const granted = told();
      const extra = await h.grant({ agentId: 'alice-agent', environment: 'dev', servers: { everything: { tools: { 'get-sum': {} } } } });
      await granted;
      expect((await aliceClient.listTools()).tools.map((t) => t.name)).toContain('everything__get-sum');
      const revoked = told();
      await h.plane.handlers['grants.revoke']({ id: extra.id });
      await revoked;
      expect((await aliceClient.listTools()).tools.map((t) => t.name)).not.toContain('everything__get-sum');
      await bobClient.listTools();
      expect(bobTold).toBe(0);
    } finally {
      await aliceClient.close();
      await bobClient.close();
    }
  });
});
