// Drift narrowing end to end: real calls through the gateway leave their decision records, the
// reaper reads what was used from them (values, peaks, rates, cap totals), and the narrowing it
// proposes is then enforced by the gateway: what the agent used still works, the rest is refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isNarrowerOrEqual } from '../core/grant-attenuation.js';
import { openGatewayHarness, refusalOf, textOf, type GatewayHarness } from '../test-support/gateway-harness.js';
import { DAY_MS } from './thresholds.js';

let h: GatewayHarness;
let client: Awaited<ReturnType<GatewayHarness['connect']>>;
let grantId: string;

beforeAll(async () => {
  h = await openGatewayHarness({ servers: ['everything', 'pay'] });
  await h.activeAgent('spender');
  const grant = await h.grant({
    agentId: 'spender',
    environment: 'dev',
    servers: {
      everything: { tools: { echo: { args: { message: { oneOf: ['hello', 'goodbye', 'ping'] } } }, add: {} } },
      pay: { tools: { charge: { args: { amount: { amount: { max: '1000' } } } } } },
    },
    envelope: { rate: { perMinute: 600, burst: 100 }, toolRates: { pay__charge: { perMinute: 100, burst: 50 } }, caps: [{ tool: 'pay__charge', arg: 'amount', max: '5000', per: 'day' }] },
  });
  grantId = grant.id;
  // A month of quiet, then the agent's real use: two echoes of one value, three charges.
  h.clock.advance(31 * DAY_MS);
  // Idle for a month: it attests afresh (and comes back from IDLE if the reaper had moved it).
  const { token: join } = await h.plane.handlers['joinTokens.create']({ agentId: 'spender' });
  h.plane.attestation.attestWithJoinToken('spender', join);
  const { token } = await h.issue('spender');
  client = await h.connect(h.bearerTransport(token));
  for (const message of ['hello', 'hello']) await client.callTool({ name: 'everything__echo', arguments: { message } });
  for (const amount of ['12.50', '40', '7']) await client.callTool({ name: 'pay__charge', arguments: { amount } });
}, 60_000);

afterAll(async () => {
  await client?.close().catch(() => undefined);
  await h?.close();
});

describe('drift narrowing from real gateway use', () => {
  it('proposes dropping unused values and tools and cutting limits to 4 × the peak, and the gateway then enforces it', async () => {
    const now = h.clock.now();
    const [proposal] = h.plane.reaper.preview(now).filter((a) => a.kind === 'drift' && a.subject === grantId);
    if (proposal?.effect.type !== 'narrow') throw new Error('expected a narrowing proposal');
    expect(proposal.effect.removedTools).toEqual(['everything__add']);
    expect(proposal.effect.changes).toEqual([
      'everything__echo message: values "goodbye", "ping" never used',
      'pay__charge amount: max 1000 → 160.0000 (peak 40.0000)',
      'rate 600/min → 20/min (peak 5/min)',
      'pay__charge rate 100/min → 12/min (peak 3/min)',
      'pay__charge amount cap 5000/day → 238.0000/day (peak 59.5000)',
    ]);
    const before = h.plane.grants.get(grantId).spec;
    expect(isNarrowerOrEqual(proposal.effect.spec, before)).toEqual({ ok: true });
    // Preview equals apply.
    const run = await h.plane.handlers['reaper.run']({ actionIds: [proposal.id] });
    expect(run.applied).toEqual([proposal]);

    // What the agent used still works …
    expect(textOf(await client.callTool({ name: 'everything__echo', arguments: { message: 'hello' } }))).toContain('hello');
    expect(textOf(await client.callTool({ name: 'pay__charge', arguments: { amount: '160' } }))).toContain('160');
    // … and the headroom it never used is gone.
    expect(await refusalOf(client.callTool({ name: 'everything__echo', arguments: { message: 'goodbye' } }))).toMatchObject({ status: 403 });
    expect(await refusalOf(client.callTool({ name: 'pay__charge', arguments: { amount: '160.0001' } }))).toMatchObject({ status: 403 });
    expect(await refusalOf(client.callTool({ name: 'everything__add', arguments: { a: 1, b: 2 } }))).toMatchObject({ status: 403 });
  });
});
