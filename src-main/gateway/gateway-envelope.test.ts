// Grant envelopes through the gateway, under real concurrency: 50 calls in flight on one session
// against a rate limit or a cumulative cap, exactly the allowed number succeed; time windows in the
// owner's time zone. The clock is a ManualClock: buckets refill only when the test moves it.
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GrantSpecInput } from '../../src-shared/grant.js';
import { MCP_HEADERS, openGatewayHarness, rawRequest, refusalOf, textOf, type GatewayHarness } from '../test-support/gateway-harness.js';

let h: GatewayHarness;
let n = 0;
const open: Client[] = [];

beforeAll(async () => {
  h = await openGatewayHarness({ servers: ['everything', 'pay'] });
}, 30_000);

afterAll(async () => {
  await Promise.all(open.map((c) => c.close().catch(() => undefined)));
  await h?.close();
});

/** A fresh agent with this grant (servers and envelope), and a connected SDK client for it. */
async function agentWith(grant: Pick<GrantSpecInput, 'servers' | 'envelope'>): Promise<{ id: string; token: string; client: Client }> {
  const id = `env${++n}`;
  await h.activeAgent(id);
  await h.grant({ agentId: id, environment: 'dev', ...grant });
  const { token } = await h.issue(id);
  const client = await h.connect(h.bearerTransport(token));
  open.push(client);
  return { id, token, client };
}

/** Fires `count` calls at once and sorts the outcomes. */
async function burst(count: number, call: (i: number) => Promise<unknown>): Promise<{ ok: number; refused: { status: number; code: string | undefined }[] }> {
  const outcomes = await Promise.all(
    Array.from({ length: count }, (_, i) =>
      call(i).then(
        () => null,
        (error: unknown) => refusalOf(Promise.reject(error)),
      ),
    ),
  );
  const refused = outcomes.filter((o): o is { status: number; code: string | undefined; message: string } => o !== null).map(({ status, code }) => ({ status, code }));
  return { ok: outcomes.length - refused.length, refused };
}

const echo = (client: Client, message: string) => client.callTool({ name: 'everything__echo', arguments: { message } });

describe('rate limits', () => {
  it('rate limit exceeded under 50 concurrent calls: exactly the burst of 10 succeed, 40 are 429 ERR_RATE_LIMITED', async () => {
    const { id, token, client } = await agentWith({ servers: { everything: { tools: { echo: {} } } }, envelope: { rate: { perMinute: 60, burst: 10 } } });
    const before = await h.headSeq();
    const result = await burst(50, (i) => echo(client, `call ${i}`));
    expect(result.ok).toBe(10);
    expect(result.refused).toHaveLength(40);
    expect(result.refused.every((r) => r.status === 429 && r.code === 'ERR_RATE_LIMITED')).toBe(true);

    const records = await h.decisions(before);
    expect(records.filter((r) => r.decision === 'allow')).toHaveLength(10);
    expect(records.filter((r) => r.decision === 'deny').every((r) => r.details.rule === 'rate:agent' && r.details.code === 'ERR_RATE_LIMITED')).toBe(true);
    expect(records.filter((r) => r.actor.endsWith(`/agent/${id}`))).toHaveLength(50);

    // A raw call says when to come back.
    const raw = h.bearerTransport(token);
    const session = await h.connect(raw);
    open.push(session);
    const res = await rawRequest(`${h.url}/mcp`, {
      method: 'POST',
      headers: { ...MCP_HEADERS, authorization: `Bearer ${token}`, 'mcp-session-id': raw.sessionId as string, 'mcp-protocol-version': '2025-06-18' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 5, method: 'tools/call', params: { name: 'everything__echo', arguments: { message: 'again' } } }),
    });
    expect(res).toMatchObject({ status: 429, code: 'ERR_RATE_LIMITED' });
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((res.body as { id: number }).id).toBe(5);

    // A minute later the bucket is full again: the burst, and no more.
    h.clock.advance(60_000);
    const later = await burst(12, (i) => echo(client, `later ${i}`));
    expect(later.ok).toBe(10);
  });

  it('per-tool rate limit under 50 concurrent calls: exactly 3 echo calls pass, other tools keep their own budget', async () => {
    const { client } = await agentWith({
      servers: { everything: { tools: { echo: {}, 'get-sum': {} } } },
      envelope: { rate: { perMinute: 1000, burst: 1000 }, toolRates: { everything__echo: { perMinute: 3, burst: 3 } } },
    });
    const result = await burst(50, (i) => echo(client, `tool ${i}`));
    expect(result.ok).toBe(3);
    expect(result.refused.every((r) => r.code === 'ERR_RATE_LIMITED')).toBe(true);
    expect(textOf(await client.callTool({ name: 'everything__get-sum', arguments: { a: 2, b: 3 } }))).toContain('5');
  });

  it('a refusal for another reason spends no rate: malformed calls do not drain the bucket', async () => {
    const { client } = await agentWith({ servers: { pay: { tools: { charge: { args: { amount: { amount: { max: '10' } } } } } } }, envelope: { rate: { perMinute: 60, burst: 2 } } });
    for (let i = 0; i < 5; i++) await refusalOf(client.callTool({ name: 'pay__charge', arguments: { amount: '1e3' } }));
    const result = await burst(5, () => client.callTool({ name: 'pay__charge', arguments: { amount: '1' } }));
    expect(result.ok).toBe(2);
  });
});

describe('resource reads spend the same rate as calls', () => {
  it('rate limit exceeded by resources/read under 20 concurrent reads: exactly the burst of 4 succeed, the rest 429 ERR_RATE_LIMITED', async () => {
    const { client } = await agentWith({ servers: { everything: { resources: ['demo://resource/static/document/*'] } }, envelope: { rate: { perMinute: 60, burst: 4 } } });
    const result = await burst(20, () => client.readResource({ uri: 'demo://resource/static/document/architecture.md' }));
    expect(result.ok).toBe(4);
    expect(result.refused.every((r) => r.status === 429 && r.code === 'ERR_RATE_LIMITED')).toBe(true);
  });
});

describe('cumulative caps', () => {
  it('cap exceeded under 50 concurrent charges of 7 against 100 per day: exactly 14 are charged, 36 are 403 ERR_CAP_EXCEEDED', async () => {
    const ledgerBefore = h.ledger().length;
    const { client } = await agentWith({
      servers: { pay: { tools: { charge: { args: { amount: { amount: { max: '50' } } } } } } },
      envelope: { caps: [{ tool: 'pay__charge', arg: 'amount', max: '100', per: 'day' }] },
    });
    const result = await burst(50, () => client.callTool({ name: 'pay__charge', arguments: { amount: '7' } }));
    expect(result.ok).toBe(14);
    expect(result.refused.every((r) => r.status === 403 && r.code === 'ERR_CAP_EXCEEDED')).toBe(true);
    const charged = h.ledger().slice(ledgerBefore);
    expect(charged).toHaveLength(14);
    expect(charged.reduce((sum, c) => sum + Number(c.amount), 0)).toBe(98);
    // What is left of the day still fits exactly: 2 more, not 3.
    expect(await refusalOf(client.callTool({ name: 'pay__charge', arguments: { amount: '3' } }))).toMatchObject({ status: 403, code: 'ERR_CAP_EXCEEDED' });
    expect(textOf(await client.callTool({ name: 'pay__charge', arguments: { amount: '2' } }))).toBe('charge "2"');
  });
});

describe('only forwarded calls spend the envelope', () => {
  it('a call the transport refuses after the decision (unsupported MCP-Protocol-Version) spends no cap: the full budget is still there', async () => {
    const ledgerBefore = h.ledger().length;
    const { token, client } = await agentWith({
      servers: { pay: { tools: { charge: { args: { amount: { amount: { max: '50' } } } } } } },
      envelope: { caps: [{ tool: 'pay__charge', arg: 'amount', max: '10', per: 'day' }] },
    });
    const sessionId = (client as unknown as { transport: { sessionId?: string } }).transport.sessionId as string;
    const res = await rawRequest(`${h.url}/mcp`, {
      method: 'POST',
      headers: { ...MCP_HEADERS, authorization: `Bearer ${token}`, 'mcp-session-id': sessionId, 'mcp-protocol-version': '1999-01-01' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'pay__charge', arguments: { amount: '6' } } }),
    });
    expect(res.status).toBe(400);
    expect(h.ledger().length).toBe(ledgerBefore);
    // Nothing was charged, so 6 and then 4 fit in the cap of 10.
    expect(textOf(await client.callTool({ name: 'pay__charge', arguments: { amount: '6' } }))).toBe('charge "6"');
    expect(textOf(await client.callTool({ name: 'pay__charge', arguments: { amount: '4' } }))).toBe('charge "4"');
    expect(await refusalOf(client.callTool({ name: 'pay__charge', arguments: { amount: '1' } }))).toMatchObject({ status: 403, code: 'ERR_CAP_EXCEEDED' });
  });
});

describe('time windows (run last: they move the clock days ahead)', () => {
  it('outside the time window: 403 ERR_OUTSIDE_TIME_WINDOW; inside it, allowed; after it, refused again', async () => {
    // Saturday 28 November 2026, 08:50 UTC = 09:50 in Paris (within one credential lifetime of the end).
    h.clock.set(Date.UTC(2026, 10, 28, 8, 50));
    const { client } = await agentWith({
      servers: { everything: { tools: { echo: {} } } },
      envelope: { timeZone: 'Europe/Paris', windows: [{ days: ['sat'], start: '10:00', end: '10:30' }] },
    });
    const before = await h.headSeq();
    expect(await refusalOf(echo(client, 'too early'))).toMatchObject({ status: 403, code: 'ERR_OUTSIDE_TIME_WINDOW' });
    h.clock.advance(15 * 60_000); // 10:05 Paris
    expect(textOf(await echo(client, 'on time'))).toContain('on time');
    h.clock.advance(30 * 60_000); // 10:35 Paris, the end is exclusive
    expect(await refusalOf(echo(client, 'too late'))).toMatchObject({ status: 403, code: 'ERR_OUTSIDE_TIME_WINDOW' });
    const records = await h.decisions(before);
    expect(records.map((r) => [r.decision, r.details.rule])).toEqual([
      ['deny', 'window'],
      ['allow', 'policy'],
      ['deny', 'window'],
    ]);
  });

  it('outside the time window, resources/read and prompts/get are refused too (ERR_OUTSIDE_TIME_WINDOW)', async () => {
    // 10:35 Paris, after the 10:00-10:30 window of the previous test.
    const { client } = await agentWith({
      servers: { everything: { resources: ['demo://resource/static/document/*'], prompts: ['simple-prompt'] } },
      envelope: { timeZone: 'Europe/Paris', windows: [{ days: ['sat'], start: '10:00', end: '10:30' }] },
    });
    expect(await refusalOf(client.readResource({ uri: 'demo://resource/static/document/architecture.md' }))).toMatchObject({ status: 403, code: 'ERR_OUTSIDE_TIME_WINDOW' });
    expect(await refusalOf(client.getPrompt({ name: 'everything__simple-prompt' }))).toMatchObject({ status: 403, code: 'ERR_OUTSIDE_TIME_WINDOW' });
  });

  it('the audit chain verifies after all of it', async () => {
    expect(await h.plane.handlers['audit.verify']({})).toMatchObject({ ok: true, firstBad: null });
  });
});

describe('overlapping grants never add their envelopes up (issue 13, item 2)', () => {
  it('re-approved duplicate grant doubles the rate limit: two identical grants of burst 5 still allow 5, the rest 429 ERR_RATE_LIMITED', async () => {
    const grant = { servers: { everything: { tools: { echo: {} } } }, envelope: { rate: { perMinute: 60, burst: 5 } } };
    const { id, client } = await agentWith(grant);
    await h.grant({ agentId: id, environment: 'dev', ...grant });
    const result = await burst(20, (i) => echo(client, `dup ${i}`));
    expect(result.ok).toBe(5);
    expect(result.refused.every((r) => r.status === 429 && r.code === 'ERR_RATE_LIMITED')).toBe(true);
  });

  it('re-approved duplicate grant doubles the cap: two grants capping charges at 100.00 a day still allow 100.00 in all', async () => {
    const grant = {
      servers: { pay: { tools: { charge: { args: { amount: { amount: { max: '100.00' } } } } } } },
      envelope: { caps: [{ tool: 'pay__charge', arg: 'amount', max: '100.00', per: 'day' as const }] },
    };
    const { id, client } = await agentWith(grant);
    await h.grant({ agentId: id, environment: 'dev', ...grant });
    const charge = (amount: string) => client.callTool({ name: 'pay__charge', arguments: { amount } });
    await charge('60.00');
    expect(await refusalOf(charge('60.00'))).toMatchObject({ status: 403, code: 'ERR_CAP_EXCEEDED' });
    await charge('40.00');
    expect(await refusalOf(charge('0.01'))).toMatchObject({ status: 403, code: 'ERR_CAP_EXCEEDED' });
  });

  it('a call several grants allow must fit the tightest of their envelopes', async () => {
    const { id, client } = await agentWith({ servers: { everything: { tools: { echo: {} } } }, envelope: { rate: { perMinute: 60, burst: 10 } } });
    await h.grant({ agentId: id, environment: 'dev', servers: { everything: { tools: { echo: {}, 'get-sum': {} } } }, envelope: { rate: { perMinute: 60, burst: 2 } } });
    const result = await burst(10, (i) => echo(client, `tight ${i}`));
    expect(result.ok).toBe(2);
  });
});

