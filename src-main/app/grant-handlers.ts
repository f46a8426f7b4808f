import type { GrantDto } from '../../src-shared/grant.js';
import type { OperatorHandlers } from '../../src-shared/operator-api.js';
import type { GrantService, GrantView } from '../grants/grant-service.js';
import { CharonError } from '../core/errors.js';
import { grantPolicyText } from '../policy/compile-grant.js';
import { tryCall } from './try-call.js';
import type { Clock } from '../core/clock.js';
import type { PolicyEngine } from '../policy/policy-engine.js';
import type { Store } from '../store/store.js';
import { LOCAL_OPERATOR, type OperatorContext } from './operator-context.js';

type GrantMethods = 'grants.create' | 'grants.list' | 'grants.get' | 'grants.narrow' | 'grants.revoke' | 'grants.policy' | 'grants.tryCall';


export const grantDto = (g: GrantView): GrantDto => ({
  id: g.id,
  spec: g.spec,
  state: g.state,
  specHash: g.specHash,
  createdAt: g.createdAt,
  createdBy: g.createdBy,
  updatedAt: g.updatedAt,
  revokedAt: g.revokedAt,
});

/** What the grant methods use of the control plane. */
export interface GrantHandlerDeps {
  readonly grants: Pick<GrantService, 'create' | 'list' | 'get' | 'narrow' | 'revoke'>;
  readonly policy: PolicyEngine;
  readonly store: Pick<Store, 'identities'>;
  readonly clock: Clock;
}

/** Grants over the operator contract; inputs arrive validated (grantSpecSchema). */
export function grantHandlers(plane: GrantHandlerDeps, who: OperatorContext = LOCAL_OPERATOR): Pick<OperatorHandlers, GrantMethods> {
  const { grants } = plane;
  return {
    'grants.create': async ({ spec }) => {
      // Prod grants exist only through a passkey approval (approvals.begin / approvals.complete).
      // (A spec that does not match its identity's environment is refused below, as before.)
      if (spec.environment === 'prod' && plane.store.identities.get(spec.agentId)?.environment === 'prod') throw new CharonError('ERR_APPROVAL_REQUIRED', 'Prod grants need the owner\'s passkey: the agent requests it and the owner approves it in the console');
      return grantDto(grants.create(spec, who.actor));
    },
    'grants.list': async (filter) => grants.list(filter).map(grantDto),
    'grants.get': async ({ id }) => grantDto(grants.get(id)),
    'grants.narrow': async ({ id, spec }) => grantDto(grants.narrow(id, spec, who.actor)),
    'grants.revoke': async ({ id, reason }) => grantDto(grants.revoke(id, who.actor, reason)),
    // The same compiler the engine uses: what the console shows is what is evaluated.
    'grants.policy': async ({ id }) => ({ id, text: grantPolicyText(grants.get(id)) }),
    'grants.tryCall': async (input) => tryCall({ policy: plane.policy, identities: plane.store.identities, clock: plane.clock }, input),
  };
}
