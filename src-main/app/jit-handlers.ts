import type { OperatorHandlers } from '../../src-shared/operator-api.js';
import { auditedChange } from '../audit/audited.js';
import { CharonError } from '../core/errors.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { Clock } from '../core/clock.js';
import type { Store } from '../store/store.js';
import type { JitStack } from './jit-wiring.js';
import { LOCAL_OPERATOR, type OperatorContext } from './operator-context.js';

/** What the just-in-time consent methods use of the control plane. */
export interface JitHandlerDeps {
  readonly jit: Pick<JitStack, 'repo' | 'holdSeconds'>;
  readonly store: Store;
  readonly audit: AuditLog;
  readonly clock: Clock;
}

/** Just-in-time consent per agent over the operator contract; inputs arrive validated. */
export function jitHandlers(plane: JitHandlerDeps, who: OperatorContext = LOCAL_OPERATOR): Pick<OperatorHandlers, 'jit.list' | 'jit.set'> {
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
