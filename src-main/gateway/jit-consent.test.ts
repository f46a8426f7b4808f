// Just-in-time consent through the real gateway: an SDK client's call outside the grant is held
// while a grant request waits in the inbox; the owner approves it with a (software) passkey and
// the held call completes. Not approved in time, denied, or JIT off: the refusal says why.
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterEach, describe, expect, it } from 'vitest';
import { authorizeRoot } from '../test-support/delegation.js';
import { openGatewayHarness, refusalOf, textOf, type GatewayHarness } from '../test-support/gateway-harness.js';
import { approveWithPasskey, enrollOwner, nextGrantRequest } from '../test-support/passkey-owner.js';

let h: GatewayHarness | undefined;
let client: Client | undefined;
afterEach(async () => {
  await client?.close();
  await h?.close();
  client = undefined;
  h = undefined;
});

/** Moves the clock past the hold until the held call settles (the hold re-reads the clock every tick). */
async function pastTheHold<T>(h: GatewayHarness, held: Promise<T>): Promise<T> {
  let settled = false;
  void held.finally(() => (settled = true));
  while (!settled) {
    h.clock.advance(30_001);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return held;
}

async function setup(jit = true) {
  h = await openGatewayHarness({ servers: ['everything'], config: { jit: { holdSeconds: 30 } } });
  const auth = await enrollOwner(h.plane);
  const agent = await h.agent('held', { dpop: false });
  await h.grant({ agentId: 'held', environment: 'dev', servers: { everything: { tools: { 'get-sum': {} } } } });
  if (jit) await h.plane.handlers['jit.set']({ agentId: 'held', enabled: true });
  client = await agent.connect('/mcp');
  return { h, auth, client, agent };
}

describe('just-in-time consent', () => {
  it('a call outside the grant is held; the owner approves it with a passkey while held; the call completes', { timeout: 30_000 }, async () => {
    const { h, auth, client } = await setup();
    const requested = nextGrantRequest(h.plane);
    const call = client.callTool({ name: 'everything__echo', arguments: { message: 'held then let through' } });
    const requestId = await requested;
    const item = h.plane.approvals.approvals.list().find((i) => i.request.id === requestId);
    expect(item?.request).toMatchObject({ agentId: 'held', state: 'PENDING', purpose: expect.stringContaining('everything__echo') });
    expect(item?.tools.map((t) => t.name)).toEqual(['everything__echo']);
    await approveWithPasskey(h.plane, auth, requestId);
    expect(textOf(await call)).toContain('held then let through');
    // Refused first (policy), then allowed once the new grant existed: both in the chain.
    const decisions = (await h.decisions()).filter((d) => d.subject === 'everything__echo').map((d) => d.decision);
    expect(decisions).toEqual(['deny', 'allow']);
  });

  it('not approved in time: ERR_APPROVAL_PENDING naming the request; a retry after approval goes through, a retry before waits on the same request', { timeout: 30_000 }, async () => {
    const { h, auth, client } = await setup();
    const requested = nextGrantRequest(h.plane);
    const call = refusalOf(client.callTool({ name: 'everything__echo', arguments: { message: 'too late' } }));
    const requestId = await requested;
    // The hold is bounded by the (injected) clock.
    const refused = await pastTheHold(h, call);
    expect(refused.code).toBe('ERR_APPROVAL_PENDING');
    expect(refused.message).toContain(requestId);
    expect(h.plane.store.audit.list({ limit: 10, kind: 'gateway.jit' })[0]).toMatchObject({ subject: 'everything__echo', decision: 'deny', details: { requestId, outcome: 'PENDING' } });

    // Retrying while the request is open holds on that same request: no second one.
    const again = await pastTheHold(h, refusalOf(client.callTool({ name: 'everything__echo', arguments: { message: 'still waiting' } })));
    expect(again.message).toContain(requestId);
    expect(h.plane.approvals.approvals.list().map((i) => i.request.id)).toEqual([requestId]);

    await approveWithPasskey(h.plane, auth, requestId);
    expect(textOf(await client.callTool({ name: 'everything__echo', arguments: { message: 'after approval' } }))).toContain('after approval');
  });

  it('denied while held: the call is refused with the request named; JIT off: refused at once and nothing is requested', { timeout: 30_000 }, async () => {
    const { h, client } = await setup();
    const requested = nextGrantRequest(h.plane);
    const call = refusalOf(client.callTool({ name: 'everything__echo', arguments: { message: 'no' } }));
    const requestId = await requested;
    await h.plane.handlers['approvals.deny']({ requestId, reason: 'not now' });
    const refused = await call;
    expect(refused.code).toBe('ERR_TOOL_NOT_ALLOWED');
    expect(refused.message).toContain(`${requestId} for everything__echo is DENIED`);

    await h.plane.handlers['jit.set']({ agentId: 'held', enabled: false });
    expect(await h.plane.handlers['jit.list']({})).toEqual([]);
    const off = await refusalOf(client.callTool({ name: 'everything__add', arguments: { a: 1, b: 2 } }));
    expect(off.code).toBe('ERR_TOOL_NOT_ALLOWED');
    expect(h.plane.approvals.approvals.list()).toEqual([]);
  });

  it('a delegated token is never held: its authority comes from the chain, so its refused call fails at once and asks the owner nothing', { timeout: 30_000 }, async () => {
    const { h, agent } = await setup();
    const held = await authorizeRoot(h, agent);
    const delegated = await h.connect(held.token.mcpTransport());
    try {
      const refused = await refusalOf(delegated.callTool({ name: 'everything__echo', arguments: { message: 'via a chain' } }));
      expect(refused.code).toBe('ERR_TOOL_NOT_ALLOWED');
      expect(h.plane.approvals.approvals.list()).toEqual([]);
    } finally {
      await delegated.close();
    }
  });
});

describe('the consent card shows what a held call would widen (issue 13, item 2)', () => {
  it('JIT request without the amount shows as nothing new: the card names the removed amount constraint, and a denial leaves the cap in force', { timeout: 30_000 }, async () => {
    h = await openGatewayHarness({ servers: ['pay'], config: { jit: { holdSeconds: 30 } } });
    await enrollOwner(h.plane);
    const agent = await h.agent('payer', { dpop: false });
    await h.grant({ agentId: 'payer', environment: 'dev', servers: { pay: { tools: { charge: { args: { amount: { amount: { max: '50.00' } } } } } } } });
    await h.plane.handlers['jit.set']({ agentId: 'payer', enabled: true });
    client = await agent.connect('/mcp');
    const requested = nextGrantRequest(h.plane);
    // No amount: the grant's constraint refuses it (absent), so JIT asks for the tool.
    const held = refusalOf(client.callTool({ name: 'pay__charge', arguments: {} }));
    const requestId = await requested;
    const item = (await h.plane.handlers['approvals.list']({})).find((i) => i.request.id === requestId);
    expect(item?.diff.nothingNew).toBe(false);
    expect(item?.diff.widenings).toEqual([{ dimension: 'argument', subject: 'pay__charge', text: 'pay__charge: the constraint on amount is removed (today: amount between 0 and 50.00)' }]);
    expect(item?.tools).toEqual([expect.objectContaining({ name: 'pay__charge', alreadyGranted: false })]);
    await h.plane.handlers['approvals.deny']({ requestId, reason: 'no: keep the cap' });
    expect(await held).toMatchObject({ code: 'ERR_TOOL_NOT_ALLOWED' });
    // Over the cap: refused (backing off from asking again after the denial), and never charged.
    expect(await refusalOf(client.callTool({ name: 'pay__charge', arguments: { amount: '5000.00' } }))).toMatchObject({ status: 403, code: 'ERR_GRANT_REQUEST_BACKOFF' });
    expect(h.ledger()).toEqual([]);
  });
});

