import type { DelegationGraphDto, DelegationGraphEdge, DelegationGraphNode } from '../../../src-shared/delegation.js';

export interface PlacedNode {
  readonly node: DelegationGraphNode;
  readonly x: number;
  readonly y: number;
  readonly depth: number;
  /** Revoked itself, or below a revoked node or hop: its authority is gone. */
  readonly cut: boolean;
}

export interface LaidOutGraph {
  readonly nodes: readonly PlacedNode[];
  readonly edges: readonly (DelegationGraphEdge & { readonly cut: boolean })[];
}

const DEAD: ReadonlySet<string> = new Set(['REVOKED', 'DECOMMISSIONED', 'DEPARTED', 'DISABLED']);

/**
 * Layers left to right: owners, the agents they authorized, their sub-agents… A node is cut when
 * it is revoked, or every hop reaching it is revoked or comes from a cut node; cut spreads down.
 */
export function layoutGraph(graph: DelegationGraphDto, spacing = { x: 280, y: 96 }): LaidOutGraph {
  const incoming = new Map<string, DelegationGraphEdge[]>();
  for (const edge of graph.edges) incoming.set(edge.target, [...(incoming.get(edge.target) ?? []), edge]);
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));

  const depth = new Map<string, number>();
  const depthOf = (id: string, seen: ReadonlySet<string> = new Set()): number => {
    const known = depth.get(id);
    if (known !== undefined) return known;
    const parents = (incoming.get(id) ?? []).filter((e) => !seen.has(e.source));
    const d = parents.length === 0 ? 0 : 1 + Math.max(...parents.map((e) => depthOf(e.source, new Set([...seen, id]))));
    depth.set(id, d);
    return d;
  };
  const cut = new Map<string, boolean>();
  const cutOf = (id: string, seen: ReadonlySet<string> = new Set()): boolean => {
    const known = cut.get(id);
    if (known !== undefined) return known;
    const node = byId.get(id);
    const parents = (incoming.get(id) ?? []).filter((e) => !seen.has(e.source));
    const deadSelf = node ? DEAD.has(node.state) : false;
    // Reached only through hops that are revoked/expired or come from cut nodes.
    const unreachable = parents.length > 0 && parents.every((e) => e.state !== 'ACTIVE' || cutOf(e.source, new Set([...seen, id])));
    const value = deadSelf || unreachable;
    cut.set(id, value);
    return value;
  };

  const layers = new Map<number, DelegationGraphNode[]>();
  for (const node of graph.nodes) {
    const d = depthOf(node.id);
    layers.set(d, [...(layers.get(d) ?? []), node]);
  }
  const nodes: PlacedNode[] = [];
  for (const [d, members] of [...layers.entries()].sort((a, b) => a[0] - b[0])) {
    members.sort((a, b) => a.label.localeCompare(b.label));
    members.forEach((node, index) => nodes.push({ node, x: d * spacing.x, y: index * spacing.y, depth: d, cut: cutOf(node.id) }));
  }
  const edges = graph.edges.map((edge) => ({ ...edge, cut: edge.state !== 'ACTIVE' || cutOf(edge.source) || (byId.has(edge.target) && DEAD.has(byId.get(edge.target)?.state ?? '')) }));
  return { nodes, edges };
}

/** One line drawn between two nodes: every hop between the same pair, so none hides under another. */
export interface DrawnEdge {
  readonly id: string;
  readonly source: string;
  readonly target: string;
  readonly hops: readonly (DelegationGraphEdge & { readonly cut: boolean })[];
  /** Drawn cut (red, dashed) only when every hop it stands for is cut. */
  readonly cut: boolean;
  readonly label: string;
}

/** Hops grouped by (source, target); the label names each hop's scope and how many are cut. */
export function drawnEdges(edges: LaidOutGraph['edges']): DrawnEdge[] {
  const pairs = new Map<string, LaidOutGraph['edges'][number][]>();
  for (const edge of edges) {
    const key = `${edge.source}\u0000${edge.target}`;
    pairs.set(key, [...(pairs.get(key) ?? []), edge]);
  }
  return [...pairs.values()].flatMap((hops) => {
    const [first] = hops;
    if (!first) return [];
    const scopes = hops.map((h) => h.scope || '(all of parent)');
    const cutCount = hops.filter((h) => h.cut).length;
    const label = hops.length === 1 ? scopes.join('') : `${hops.length} hops: ${scopes.join(' · ')}${cutCount > 0 && cutCount < hops.length ? ` (${cutCount} cut)` : ''}`;
    return [{ id: hops.map((h) => h.id).join('+'), source: first.source, target: first.target, hops, cut: cutCount === hops.length, label }];
  });
}
