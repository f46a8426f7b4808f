// Envelopes through delegation: a delegated call spends the budget of the grant at the root of
// its chain, shared with every agent acting under it (delegating to two agents cannot double a
// cap), and also the budget of every hop that narrowed the envelope on its way down.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorizeRoot, delegateTo, type Held } from '../test-support/delegation.js';
import { openGatewayHarness, refusalOf, type GatewayHarness } from '../test-support/gateway-harness.js';

let h: GatewayHarness;
let b: Held;
let c: Held;
let clients: Awaited<ReturnType<GatewayHarness['connect']>>[] = [];
const charge = (client: Awaited<ReturnType<GatewayHarness['connect']>>, amount: string) => client.callTool({ name: 'pay__charge', arguments: { amount } });

beforeAll(async () => {
  h = await openGatewayHarness({ servers: ['pay'] });
  const [a, agentB, agentC] = [await h.agent('a'), await h.agent('b'), await h.agent('c')];
  await h.grant({
    agentId: 'a',
    environment: 'dev',
    servers: { pay: { tools: { charge: { args: { amount: { amount: { max: '100.00' } } } } } } },
    envelope: { caps: [{ tool: 'pay__charge', arg: 'amount', max: '200.00', per: 'day' }] },
  });
  const root = await authorizeRoot(h, a);
  b = await delegateTo(h, root, agentB);
  // c's hop keeps the tool but caps c at 50 a day, within a's 200.
  c = await delegateTo(h, root, agentC, {
    authority: { servers: { pay: { tools: { charge: { args: { amount: { amount: { max: '100.00' } } } } } } }, envelope: { caps: [{ tool: 'pay__charge', arg: 'amount', max: '50.00', per: 'day' }] } },
  });
  clients = [await h.connect(b.token.mcpTransport()), await h.connect(c.token.mcpTransport())];
}, 60_000);

afterAll(async () => {
  for (const client of clients) await client.close();
  await h?.close();
});

describe('envelopes along a chain', () => {
  it("a hop's own cap binds the agent below it: c may charge 40, then not 20 more (ERR_CAP_EXCEEDED), though a's grant has room", async () => {
    const [, cc] = clients as [never, Awaited<ReturnType<GatewayHarness['connect']>>];
    expect((await charge(cc, '40.00')).isError ?? false).toBe(false);
    expect((await refusalOf(charge(cc, '20.00'))).code).toBe('ERR_CAP_EXCEEDED');
  });

  it("delegating cannot multiply the grant's cap: b and c spend a's 200 a day together", async () => {
    const [bc] = clients as [Awaited<ReturnType<GatewayHarness['connect']>>];
    expect((await charge(bc, '100.00')).isError ?? false).toBe(false);
    expect((await charge(bc, '60.00')).isError ?? false).toBe(false);
    // 40 (c) + 160 (b) = 200: nothing is left for either.
    expect((await refusalOf(charge(bc, '1.00'))).code).toBe('ERR_CAP_EXCEEDED');
    expect(h.ledger().map((l) => l.amount)).toEqual(['40.00', '100.00', '60.00']);
  });
});
