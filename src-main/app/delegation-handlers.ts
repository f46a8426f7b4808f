import type { OperatorHandlers } from '../../src-shared/operator-api.js';
import type { Clock } from '../core/clock.js';
import type { DelegationReads } from '../delegation/delegation-reads.js';
import type { DelegationService } from '../delegation/delegation-service.js';
import type { ApprovalStack } from './approval-wiring.js';
import { LOCAL_OPERATOR, type OperatorContext } from './operator-context.js';

type DelegationMethods = 'delegation.graph' | 'delegation.authorizeBegin' | 'delegation.authorize' | 'delegation.trace' | 'delegation.get' | 'delegation.revoke';


/** RFC 8176 methods: a hardware-bound key, with the user verified on the authenticator. */
const PASSKEY_UV = { acr: 'urn:charon:acr:passkey-uv', amr: ['hwk', 'user'] } as const;

/** What the delegation methods use of the control plane. */
export interface DelegationHandlerDeps {
  readonly delegation: Pick<DelegationService, 'authorize' | 'revoke'>;
  readonly delegationReads: DelegationReads;
  readonly approvals: Pick<ApprovalStack, 'passkeys'>;
  readonly clock: Clock;
}

/** Delegation over the operator contract: the owner's authorization (a chain's root), provenance, the graph. */
export function delegationHandlers(plane: DelegationHandlerDeps, who: OperatorContext = LOCAL_OPERATOR): Pick<OperatorHandlers, DelegationMethods> {
  const { delegation, delegationReads, clock } = plane;
  // plane.approvals.passkeys: the step-up ceremonies shared with other sensitive operator actions.
  return {
    'delegation.graph': async ({ ownerId, agentId, liveOnly }) => delegationReads.graph({ ownerId, agentId, liveAt: liveOnly ? clock.now() : undefined }),
    'delegation.authorizeBegin': async () => (plane.approvals.passkeys.hasAny(who.signer) ? plane.approvals.passkeys.stepUpBegin('delegation.authorize', undefined, who.signer) : null),
    // The owner's assurance travels down the chain: a fresh user-verified passkey assertion, or the operator channel alone.
    'delegation.authorize': async ({ ceremonyId, assertion, ...input }) => {
      const stepUp = assertion ? await plane.approvals.passkeys.stepUp('delegation.authorize', ceremonyId, assertion, who.actor, undefined, who.signer) : { authorizedBy: null };
      return delegation.authorize({ ...input, assurance: stepUp.authorizedBy ? PASSKEY_UV : undefined }, who.actor);
    },
    'delegation.trace': async ({ token }) => delegationReads.trace(token),
    'delegation.get': async ({ id }) => delegationReads.get(id),
    'delegation.revoke': async ({ id, reason }) => delegation.revoke(id, who.actor, reason),
  };
}
