// The delegation graph the console draws: owners and agents as nodes, one edge per hop.
import type { DelegationGraphDto, DelegationGraphEdge, DelegationGraphNode } from '../../src-shared/delegation.js';
import type { DelegationFilter, DelegationRecord } from '../core/delegation-ports.js';
import type { OwnerRecord } from '../core/reaper-ports.js';
import type { IdentityRecord } from '../core/records.js';
import { agentIdOf, agentSpiffeId, ownerSpiffeId } from '../core/spiffe-id.js';

export interface GraphSources {
  readonly trustDomain: string;
  readonly hops: (filter: DelegationFilter) => readonly DelegationRecord[];
  readonly identity: (id: string) => IdentityRecord | null;
  readonly owner: (id: string) => OwnerRecord | null;
}

export function delegationGraph(src: GraphSources, filter: DelegationFilter & { now: number }): DelegationGraphDto {
  const hops = src.hops(filter);
  const nodes = new Map<string, DelegationGraphNode>();
  const ownerNode = (id: string): string => {
    const node = ownerSpiffeId(src.trustDomain, id);
    if (!nodes.has(node)) nodes.set(node, { id: node, kind: 'owner', label: id, state: src.owner(id)?.state ?? 'ACTIVE' });
    return node;
  };
  const agentNode = (id: string): string => {
    const node = agentSpiffeId(src.trustDomain, id);
    // An identity is never deleted; a missing one can only be a store from another trust domain.
    if (!nodes.has(node)) nodes.set(node, { id: node, kind: 'agent', label: id, state: src.identity(id)?.state ?? 'DECOMMISSIONED' });
    return node;
  };
  const edges: DelegationGraphEdge[] = hops.map((h) => {
    // The delegator of a hop below the root is the agent that received its parent.
    const source = h.parentId === null ? ownerNode(h.ownerId) : agentNode(agentIdOf(src.trustDomain, h.delegator) ?? h.delegator);
    return {
      id: h.id,
      source,
      target: agentNode(h.agentId),
      parentId: h.parentId,
      depth: h.depth,
      scope: h.scope,
      acr: h.acr,
      expiresAt: h.expiresAt,
      state: h.state === 'ACTIVE' && h.expiresAt <= filter.now ? 'EXPIRED' : h.state,
      narrowed: h.authority !== null,
    };
  });
  return { nodes: [...nodes.values()], edges };
}
