import type { OperatorHandlers } from '../../src-shared/operator-api.js';
import { auditedChange } from '../audit/audited.js';
import { CharonError } from '../core/errors.js';
import type { ControlPlane } from './control-plane.js';
import { LOCAL_OPERATOR, type OperatorContext } from './operator-context.js';


/** Just-in-time consent per agent over the operator contract; inputs arrive validated. */
export function jitHandlers(plane: ControlPlane, who: OperatorContext = LOCAL_OPERATOR): Pick<OperatorHandlers, 'jit.list' | 'jit.set'> {
  const { repo, holdSeconds } = plane.jit;
  return {
    'jit.list': async () => repo.list().map((agentId) => ({ agentId, enabled: true, holdSeconds })),
    'jit.set': async ({ agentId, enabled }) =>
      auditedChange(plane.store, plane.audit, { actor: who.actor, kind: 'jit.set', subject: agentId }, () => {
        if (!plane.store.identities.get(agentId)) throw new CharonError('ERR_IDENTITY_NOT_FOUND', `No identity ${agentId}`);
        repo.set(agentId, enabled, plane.clock.now());
        plane.audit.append({ actor: who.actor, kind: 'jit.set', subject: agentId, decision: 'allow', details: { enabled, holdSeconds } });
        return { agentId, enabled, holdSeconds };
      }),
  };
}
