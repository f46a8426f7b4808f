import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DelegationRecord } from '../core/delegation-ports.js';
import { openTestPlane, type TestPlane } from '../test-support/control-plane.js';

let t: TestPlane;
beforeEach(async () => {
  t = await openTestPlane();
  await t.activeAgent('a');
  await t.activeAgent('b');
});
afterEach(() => t.close());

function hop(id: string, parent: DelegationRecord | null, agentId: string, expiresAt: number): DelegationRecord {
  const td = t.plane.config.trustDomain;
  return {
    id,
    parentId: parent?.id ?? null,
    rootId: parent?.rootId ?? id,
    path: [...(parent?.path ?? []), id],
    depth: (parent?.depth ?? 0) + 1,
    ownerId: 'alice',
    delegator: parent ? `spiffe://${td}/agent/${parent.agentId}` : `spiffe://${td}/owner/alice`,
    agentId,
    jti: `jti-${id}`,
    audience: t.plane.config.audience,
    scope: 'files:read',
    environment: 'dev',
    authority: null,
    acr: 'urn:charon:acr:operator',
    amr: ['operator'],
    dpopJkt: null,
    issuedAt: t.clock.now(),
    expiresAt,
    state: 'ACTIVE',
    revokedAt: null,
    reason: null,
  };
}

describe('delegation.graph', () => {
  it('is empty before any delegation', async () => {
    expect(await t.plane.handlers['delegation.graph']({})).toEqual({ nodes: [], edges: [] });
  });

  it('shows the owner and agents as nodes and each hop as an edge, delegator to delegatee', async () => {
    const root = hop('d1', null, 'a', t.clock.now() + 600_000);
    const child = hop('d2', root, 'b', t.clock.now() + 300_000);
    t.plane.store.delegations.insert(root);
    t.plane.store.delegations.insert(child);
    const graph = await t.plane.handlers['delegation.graph']({});
    expect(graph.nodes.map((n) => [n.kind, n.label, n.state])).toEqual([
      ['owner', 'alice', 'ACTIVE'],
      ['agent', 'a', 'ACTIVE'],
      ['agent', 'b', 'ACTIVE'],
    ]);
    expect(graph.edges.map((e) => [e.id, e.source, e.target, e.depth, e.state])).toEqual([
      ['d1', 'spiffe://charon.local/owner/alice', 'spiffe://charon.local/agent/a', 1, 'ACTIVE'],
      ['d2', 'spiffe://charon.local/agent/a', 'spiffe://charon.local/agent/b', 2, 'ACTIVE'],
    ]);

    t.clock.advance(400_000);
    expect((await t.plane.handlers['delegation.graph']({})).edges.map((e) => e.state)).toEqual(['ACTIVE', 'EXPIRED']);
    expect((await t.plane.handlers['delegation.graph']({ liveOnly: true })).edges.map((e) => e.id)).toEqual(['d1']);
    expect((await t.plane.handlers['delegation.graph']({ agentId: 'b' })).edges.map((e) => e.id)).toEqual(['d2']);
    expect((await t.plane.handlers['delegation.graph']({ ownerId: 'bob' })).edges).toEqual([]);
  });
});
