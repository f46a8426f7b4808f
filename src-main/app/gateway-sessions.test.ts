// The console's "connected agents" (operator method gateway.sessions) against a real gateway:
// a client that exited without ending its session must not show as connected minutes later.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openGatewayHarness, type GatewayHarness } from '../test-support/gateway-harness.js';

let h: GatewayHarness;
beforeAll(async () => {
  h = await openGatewayHarness({ servers: ['everything'] });
});
afterAll(async () => h?.close());

const entry = async (agentId: string) => (await h.plane.handlers['gateway.sessions']({})).find((a) => a.agentId === agentId);
const streamOpen = (agentId: string) => h.plane.gateway.gateway.sessions.ofAgent(agentId).some((s) => s.transport.streamOpen);

describe('gateway.sessions', () => {
  it('a client that exited without ending its session is idle, not connected, once its stream is gone and two minutes pass', async () => {
    const agent = await h.agent('sessions-exiting', { dpop: false });
    await h.grant({ agentId: agent.id, environment: 'dev', servers: { everything: { tools: { echo: {} } } } });
    const client = await agent.connect();
    await client.callTool({ name: 'everything__echo', arguments: { message: 'hi' } });
    await vi.waitFor(() => expect(streamOpen(agent.id)).toBe(true));
    expect(await entry(agent.id)).toMatchObject({ sessions: 1, connected: 1 });

    // Still holding its event stream: connected however long it has been quiet.
    h.clock.advance(10 * 60_000);
    expect(await entry(agent.id)).toMatchObject({ sessions: 1, connected: 1 });

    // The process exits: its stream closes, but it never sent DELETE, so the session remains.
    await client.close();
    await vi.waitFor(() => expect(streamOpen(agent.id)).toBe(false));
    expect(await entry(agent.id)).toMatchObject({ sessions: 1, connected: 0 });
  });

  it('a client without an event stream is connected for two minutes after its last call', async () => {
    const agent = await h.agent('sessions-json-only', { dpop: false });
    await h.grant({ agentId: agent.id, environment: 'dev', servers: { everything: { tools: { echo: {} } } } });
    const { token } = await h.issue(agent.id);
    const client = await h.connect(h.bearerTransport(token));
    await client.callTool({ name: 'everything__echo', arguments: { message: 'hi' } });
    await client.close();
    await vi.waitFor(() => expect(streamOpen(agent.id)).toBe(false));
    expect(await entry(agent.id)).toMatchObject({ connected: 1 });
    h.clock.advance(2 * 60_000 + 1);
    expect(await entry(agent.id)).toMatchObject({ connected: 0 });
  });
});
