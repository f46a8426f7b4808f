import type { OperatorHandlers } from '../../src-shared/operator-api.js';
import type { GrantService } from '../grants/grant-service.js';
import type { ApprovalStack } from './approval-wiring.js';
import { grantDto } from './grant-handlers.js';
import { LOCAL_OPERATOR, type OperatorContext } from './operator-context.js';

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

/** What the passkey and approval methods use of the control plane. */
export interface ApprovalHandlerDeps {
  readonly approvals: Pick<ApprovalStack, 'passkeys' | 'approvals'>;
  readonly grants: Pick<GrantService, 'get'>;
}

/** Passkeys and approvals over the operator contract; inputs arrive validated. */
export function approvalHandlers(plane: ApprovalHandlerDeps, who: OperatorContext = LOCAL_OPERATOR): Pick<OperatorHandlers, ApprovalMethods> {
  const { passkeys, approvals } = plane.approvals;
  return {
    'grants.verify': async ({ id }) => approvals.verify(id),
    'passkeys.list': async () => passkeys.list(),
    'passkeys.registerBegin': async ({ label }) => passkeys.registerBegin(label),
    'passkeys.registerComplete': async ({ ceremonyId, registration, assertion }) => passkeys.registerComplete(ceremonyId, registration, assertion, who.actor),
    'passkeys.removeBegin': async ({ id }) => passkeys.removeBegin(id),
    'passkeys.remove': async ({ id, ceremonyId, assertion }) => passkeys.remove(id, ceremonyId, assertion, who.actor),
    'approvals.list': async ({ state }) => approvals.list(state),
    'approvals.begin': async ({ requestId, spec }) => approvals.begin(requestId, spec, who.actor, who.signer),
    'approvals.complete': async ({ requestId, response }) => {
      const { request, grant, quorum } = await approvals.complete(requestId, response, who.actor, who.signer);
      return { request, grant: grant ? grantDto(plane.grants.get(grant.id)) : null, quorum };
    },
    'approvals.deny': async ({ requestId, reason }) => approvals.deny(requestId, who.actor, reason),
  };
}
