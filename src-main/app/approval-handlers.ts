import type { OperatorHandlers } from '../../src-shared/operator-api.js';
import type { ControlPlane } from './control-plane.js';
import { grantDto } from './grant-handlers.js';

type ApprovalMethods =
  | 'grants.verify'
  | 'passkeys.list'
  | 'passkeys.registerBegin'
  | 'passkeys.registerComplete'
  | 'passkeys.removeBegin'
  | 'passkeys.remove'
  | 'approvals.list'
  | 'approvals.begin'
  | 'approvals.complete'
  | 'approvals.deny';

/** The owner in the audit chain (as in operator-handlers.ts; not imported to avoid a cycle). */
const OPERATOR = 'operator';

/** Passkeys and approvals over the operator contract; inputs arrive validated. */
export function approvalHandlers(plane: ControlPlane): Pick<OperatorHandlers, ApprovalMethods> {
  const { passkeys, approvals } = plane.approvals;
  return {
    'grants.verify': async ({ id }) => approvals.verify(id),
    'passkeys.list': async () => passkeys.list(),
    'passkeys.registerBegin': async ({ label }) => passkeys.registerBegin(label),
    'passkeys.registerComplete': async ({ ceremonyId, registration, assertion }) => passkeys.registerComplete(ceremonyId, registration, assertion, OPERATOR),
    'passkeys.removeBegin': async ({ id }) => passkeys.removeBegin(id),
    'passkeys.remove': async ({ id, ceremonyId, assertion }) => passkeys.remove(id, ceremonyId, assertion, OPERATOR),
    'approvals.list': async ({ state }) => approvals.list(state),
    'approvals.begin': async ({ requestId, spec }) => approvals.begin(requestId, spec, OPERATOR),
    'approvals.complete': async ({ requestId, response }) => {
      const { request, grant } = await approvals.complete(requestId, response, OPERATOR);
      return { request, grant: grantDto(plane.grants.get(grant.id)) };
    },
    'approvals.deny': async ({ requestId, reason }) => approvals.deny(requestId, OPERATOR, reason),
  };
}
