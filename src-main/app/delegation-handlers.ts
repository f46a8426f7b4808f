import type { OperatorHandlers } from '../../src-shared/operator-api.js';
import { delegationGraph } from '../delegation/graph.js';
import type { ControlPlane } from './control-plane.js';

type DelegationMethods = 'delegation.graph';

/** Delegation over the operator contract: the graph of who delegated to whom. */
export function delegationHandlers(plane: ControlPlane): Pick<OperatorHandlers, DelegationMethods> {
  const { store, config, clock } = plane;
  return {
    'delegation.graph': async ({ ownerId, agentId, liveOnly }) => {
      const now = clock.now();
      return delegationGraph(
        { trustDomain: config.trustDomain, hops: (f) => store.delegations.list(f), identity: (id) => store.identities.get(id), owner: (id) => store.owners.get(id) },
        { ownerId, agentId, liveAt: liveOnly ? now : undefined, now },
      );
    },
  };
}
