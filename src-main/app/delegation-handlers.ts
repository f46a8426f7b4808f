import type { OperatorHandlers } from '../../src-shared/operator-api.js';
import type { ControlPlane } from './control-plane.js';

type DelegationMethods = 'delegation.graph' | 'delegation.authorize' | 'delegation.trace' | 'delegation.get' | 'delegation.revoke';

/** The operator actor in the audit chain (same as operator-handlers.ts; not imported to avoid a cycle). */
const OPERATOR = 'operator';

/** Delegation over the operator contract: the owner's authorization (a chain's root), provenance, the graph. */
export function delegationHandlers(plane: ControlPlane): Pick<OperatorHandlers, DelegationMethods> {
  const { delegation, clock } = plane;
  return {
    'delegation.graph': async ({ ownerId, agentId, liveOnly }) => delegation.graph({ ownerId, agentId, liveAt: liveOnly ? clock.now() : undefined }),
    'delegation.authorize': async (input) => delegation.authorize(input, OPERATOR),
    'delegation.trace': async ({ token }) => delegation.trace(token),
    'delegation.get': async ({ id }) => delegation.get(id),
    'delegation.revoke': async ({ id, reason }) => delegation.revoke(id, OPERATOR, reason),
  };
}
