import { describe, expect, it } from 'vitest';
import type { DelegationGraphDto, DelegationGraphEdge, DelegationGraphNode } from '../../../src-shared/delegation.js';
import { drawnEdges, layoutGraph } from './graph-layout.js';

const node = (label: string, state: DelegationGraphNode['state'] = 'ACTIVE', kind: DelegationGraphNode['kind'] = 'agent'): DelegationGraphNode => ({ id: `${kind}/${label}`, kind, label, state });
const edge = (id: string, source: string, target: string, state: DelegationGraphEdge['state'] = 'ACTIVE'): DelegationGraphEdge => ({ id, source, target, parentId: null, depth: 1, scope: 'files:read', acr: 'urn:charon:acr:passkey', expiresAt: 0, state, narrowed: false });

describe('layoutGraph', () => {
  it('places the human first, then agents, then sub-agents', () => {
    const graph: DelegationGraphDto = {
      nodes: [node('alice', 'ACTIVE', 'owner'), node('planner'), node('coder')],
      edges: [edge('h1', 'owner/alice', 'agent/planner'), edge('h2', 'agent/planner', 'agent/coder')],
    };
    const laid = layoutGraph(graph);
    expect(laid.nodes.map((n) => [n.node.label, n.depth])).toEqual([
      ['alice', 0],
      ['planner', 1],
      ['coder', 2],
    ]);
    expect(laid.nodes.every((n) => !n.cut)).toBe(true);
  });

  it('cuts a revoked agent and everything below it, not what is beside it', () => {
    const graph: DelegationGraphDto = {
      nodes: [node('alice', 'ACTIVE', 'owner'), node('planner', 'REVOKED'), node('coder'), node('tester'), node('other')],
      edges: [edge('h1', 'owner/alice', 'agent/planner'), edge('h2', 'agent/planner', 'agent/coder'), edge('h3', 'agent/coder', 'agent/tester'), edge('h4', 'owner/alice', 'agent/other')],
    };
    const cut = Object.fromEntries(layoutGraph(graph).nodes.map((n) => [n.node.label, n.cut]));
    expect(cut).toEqual({ alice: false, planner: true, coder: true, tester: true, other: false });
  });

  it('cuts below a revoked hop even when the agent itself is live', () => {
    const graph: DelegationGraphDto = {
      nodes: [node('alice', 'ACTIVE', 'owner'), node('planner'), node('coder')],
      edges: [edge('h1', 'owner/alice', 'agent/planner'), edge('h2', 'agent/planner', 'agent/coder', 'REVOKED')],
    };
    const laid = layoutGraph(graph);
    expect(laid.nodes.find((n) => n.node.label === 'coder')?.cut).toBe(true);
    expect(laid.edges.find((e) => e.id === 'h2')?.cut).toBe(true);
    expect(laid.edges.find((e) => e.id === 'h1')?.cut).toBe(false);
  });

  it('draws two hops between the same pair as one labelled edge, cut only when both are', () => {
    const graph: DelegationGraphDto = {
      nodes: [node('alice', 'ACTIVE', 'owner'), node('planner')],
      edges: [edge('h1', 'owner/alice', 'agent/planner'), { ...edge('h2', 'owner/alice', 'agent/planner', 'REVOKED'), scope: 'files:write' }],
    };
    const drawn = drawnEdges(layoutGraph(graph).edges);
    expect(drawn).toHaveLength(1);
    expect(drawn[0]?.label).toBe('2 hops: files:read · files:write (1 cut)');
    expect(drawn[0]?.cut).toBe(false);
    const allCut = drawnEdges(layoutGraph({ ...graph, edges: graph.edges.map((e) => ({ ...e, state: 'REVOKED' as const })) }).edges);
    expect(allCut[0]?.cut).toBe(true);
  });
});
