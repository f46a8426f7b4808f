// A three-hop chain (owner alice → a → b → c) end to end: the owner's authorization over the
// operator API, two RFC 8693 exchanges over HTTP, and c's calls through the gateway to the real
// server-filesystem from npm. Every decision record carries the whole chain; the trace and the
// graph show it; revoking or idling an agent in the middle stops c at its next call.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorizeRoot, delegateTo, type Held } from '../test-support/delegation.js';
import { openGatewayHarness, refusalOf, textOf, type GatewayHarness, type TestAgent } from '../test-support/gateway-harness.js';

let h: GatewayHarness;
let a: TestAgent;
let b: TestAgent;
let c: TestAgent;
let chain: { a: Held; b: Held; c: Held };
let client: Awaited<ReturnType<GatewayHarness['connect']>>;
const spiffe = (id: string): string => `spiffe://charon.local/agent/${id}`;

beforeAll(async () => {
  h = await openGatewayHarness({ servers: ['files'] });
  [a, b, c] = [await h.agent('a'), await h.agent('b'), await h.agent('c')];
  await h.grant({
    agentId: 'a',
    environment: 'dev',
    servers: { files: { tools: { read_text_file: { args: { path: { path: { roots: [h.root] } } } }, list_directory: { args: { path: { path: { roots: [h.root] } } } } } } },
    envelope: { rate: { perMinute: 600, burst: 100 } },
  });
  const rootHeld = await authorizeRoot(h, a);
  const bHeld = await delegateTo(h, rootHeld, b, { expiresIn: 1200 });
  // c may only read files, within the same root, at a lower rate.
  const cHeld = await delegateTo(h, bHeld, c, {
    authority: { servers: { files: { tools: { read_text_file: { args: { path: { path: { roots: [h.root] } } } } } } }, envelope: { rate: { perMinute: 60, burst: 10 } } },
  });
  chain = { a: rootHeld, b: bHeld, c: cHeld };
  client = await h.connect(cHeld.token.mcpTransport());
}, 60_000);

afterAll(async () => {
  await client?.close();
  await h?.close();
});

describe('three hops: owner → a → b → c through the gateway', () => {
  it('c lists only what its hop allows: the narrowed tool, not the one b still holds', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(['files__read_text_file']);
  });

  it("c reads a file inside the root through server-filesystem, and the decision record carries the owner and every actor", async () => {
    const before = await h.headSeq();
    const result = await client.callTool({ name: 'files__read_text_file', arguments: { path: join(h.root, 'hello.txt') } });
    expect(textOf(result)).toBe('hello from inside the root\n');
    const [record] = await h.decisions(before);
    expect(record).toMatchObject({
      actor: spiffe('c'),
      decision: 'allow',
      subject: 'files__read_text_file',
      details: { sub: 'spiffe://charon.local/owner/alice', act: [spiffe('a'), spiffe('b'), spiffe('c')], delegation: chain.c.delegationId, acr: 'urn:charon:acr:operator' },
    });
  });

  it("c is refused a tool its hop dropped (b's list_directory), and a path outside the root", async () => {
    expect((await refusalOf(client.callTool({ name: 'files__list_directory', arguments: { path: h.root } }))).code).toBe('ERR_TOOL_NOT_ALLOWED');
    expect((await refusalOf(client.callTool({ name: 'files__read_text_file', arguments: { path: join(h.outside, 'secret.txt') } }))).code).toBe('ERR_PATH_OUTSIDE_ROOT');
  });

  it('the token traces back to the human: the chain with scope, authority and lifetime per hop', async () => {
    const trace = await h.plane.handlers['delegation.trace']({ token: chain.c.token.token });
    expect(trace).toMatchObject({ subject: 'spiffe://charon.local/owner/alice', ownerId: 'alice', actor: spiffe('c') });
    expect(trace.hops.map((hop) => [hop.depth, hop.delegator, hop.agentId, hop.authority !== null])).toEqual([
      [1, 'spiffe://charon.local/owner/alice', 'a', false],
      [2, spiffe('a'), 'b', false],
      [3, spiffe('b'), 'c', true],
    ]);
    const [ra, rb, rc] = trace.hops;
    expect(rb?.expiresAt).toBeLessThanOrEqual(ra?.expiresAt ?? 0);
    expect(rc?.expiresAt).toBeLessThanOrEqual(rb?.expiresAt ?? 0);
    expect(rc?.authority?.servers.files?.tools).toHaveProperty('read_text_file');
  });

  it('introspection (RFC 7662) shows the owner as sub and the actors nested in act, the current one outermost', async () => {
    expect(await h.plane.handlers['credentials.introspect']({ token: chain.c.token.token })).toMatchObject({
      active: true,
      sub: 'spiffe://charon.local/owner/alice',
      act: { sub: spiffe('c'), act: { sub: spiffe('b'), act: { sub: spiffe('a') } } },
      acr: 'urn:charon:acr:operator',
      token_type: 'DPoP',
    });
  });

  it('the graph shows the owner and the three agents, one edge per hop', async () => {
    const graph = await h.plane.handlers['delegation.graph']({ ownerId: 'alice' });
    expect(graph.edges.map((e) => [e.source, e.target])).toEqual([
      ['spiffe://charon.local/owner/alice', spiffe('a')],
      [spiffe('a'), spiffe('b')],
      [spiffe('b'), spiffe('c')],
    ]);
  });

  it('an IDLE agent in the middle (b) stops c at its next call: ERR_DELEGATION_ACTOR_INACTIVE, audited with the reason', async () => {
    await h.plane.handlers['identities.transition']({ id: 'b', to: 'IDLE' });
    const refused = await refusalOf(client.callTool({ name: 'files__read_text_file', arguments: { path: join(h.root, 'hello.txt') } }));
    expect(refused).toMatchObject({ status: 401, code: 'ERR_DELEGATION_ACTOR_INACTIVE' });
    const [deny] = await h.plane.handlers['audit.list']({ kind: 'delegation.deny', limit: 1 });
    expect(deny).toMatchObject({ actor: spiffe('c'), decision: 'deny', details: { code: 'ERR_DELEGATION_ACTOR_INACTIVE', act: [spiffe('a'), spiffe('b'), spiffe('c')] } });
    expect(String(deny?.details.message)).toMatch(/Agent b .* IDLE/);
  });

  it('revoking the middle agent (b) revokes every hop below it and their tokens, audited as delegation.cascade', async () => {
    await h.plane.handlers['identities.revoke']({ id: 'b', reason: 'compromised' });
    const [cascade] = await h.plane.handlers['audit.list']({ kind: 'delegation.cascade', limit: 1 });
    expect(cascade?.details).toMatchObject({ agentId: 'b', reason: 'agent b REVOKED', agents: ['b', 'c'] });
    expect((await h.plane.handlers['delegation.get']({ id: chain.c.delegationId })).state).toBe('REVOKED');
    expect((await h.plane.handlers['delegation.get']({ id: chain.a.delegationId })).state).toBe('ACTIVE');
    const refused = await refusalOf(client.callTool({ name: 'files__read_text_file', arguments: { path: join(h.root, 'hello.txt') } }));
    expect(refused).toMatchObject({ status: 401, code: 'ERR_CREDENTIAL_REVOKED' });
  });
});
