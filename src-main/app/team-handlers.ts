// The operator contract as a signed-in team operator may use it (remote console). Each operator
// is an owner: they see their own agents, and approve or deny their agents' requests (and, where
// an M-of-N rule names them, the requests it governs). An admin also manages servers, keys,
// owners and operators. What a role may not call is refused with ERR_FORBIDDEN before any
// handler runs; every call runs as `operator:<id>`, so the audit chain names who did it.
import type { ApprovalItemDto } from '../../src-shared/approvals.js';
import type { OperatorHandlers, OperatorMethod } from '../../src-shared/operator-api.js';
import { OPERATOR_METHODS } from '../../src-shared/operator-api.js';
import type { OperatorRecord } from '../core/operator-records.js';
import { CharonError } from '../core/errors.js';
import { quorumFor, type QuorumRule } from '../core/quorum.js';
import { operatorActor } from '../approvals/operators.js';
import type { RelyingParty } from '../approvals/passkeys.js';
import type { IdentityRepository } from '../core/ports.js';
import type { GrantRequestRecord } from '../core/approval-records.js';
import type { GrantRecord } from '../core/records.js';

/** What every operator may call; the rest is an admin's. Methods over the desktop owner's own passkeys are nobody's here. */
const OWNER_METHODS = new Set<OperatorMethod>([
  'status.get',
  'identities.list',
  'identities.get',
  'grants.list',
  'grants.get',
  'grants.verify',
  'grants.policy',
  'approvals.list',
  'approvals.begin',
  'approvals.complete',
  'approvals.deny',
  'audit.verify',
]);
const NOBODY = new Set<OperatorMethod>(['passkeys.list', 'passkeys.registerBegin', 'passkeys.registerComplete', 'passkeys.removeBegin', 'passkeys.remove', 'servers.discover']);

export interface TeamHandlerDeps {
  /** The handlers for this operator's actor and signer (operator-handlers.ts). */
  readonly handlers: OperatorHandlers;
  readonly identities: Pick<IdentityRepository, 'get'>;
  readonly requests: { get(id: string): GrantRequestRecord | null };
  readonly grants: { get(id: string): GrantRecord };
  readonly quorum: readonly QuorumRule[];
}

export const mayCall = (role: OperatorRecord['role'], method: OperatorMethod): boolean => !NOBODY.has(method) && (role === 'admin' || OWNER_METHODS.has(method));

/** The signer a team operator's passkey ceremonies run under. */
export const teamSigner = (operator: OperatorRecord, rp: RelyingParty) => ({ actor: operatorActor(operator.id), signer: { operatorId: operator.id, rp } });

export function teamHandlers(operator: OperatorRecord, d: TeamHandlerDeps): OperatorHandlers {
  const me = operator.id;
  const ownsAgent = (agentId: string): boolean => d.identities.get(agentId)?.owner === me;
  // An admin sees every agent; approving stays with each agent's owner (or the approvers a rule names).
  const sees = (agentId: string): boolean => operator.role === 'admin' || ownsAgent(agentId);
  const mayDecide = (r: GrantRequestRecord): boolean => ownsAgent(r.agentId) || Boolean(quorumFor(d.quorum, r.spec.environment)?.approvers.includes(me));
  const request = (id: string): GrantRequestRecord => {
    const r = d.requests.get(id);
    if (!r || !mayDecide(r)) throw new CharonError('ERR_FORBIDDEN', `${me} may not decide grant request ${id}: it is for an agent ${me} does not own`);
    return r;
  };
  const grant = (id: string): GrantRecord => {
    const g = d.grants.get(id);
    // The approvers an M-of-N rule names verify what they signed.
    if (!sees(g.agentId) && !quorumFor(d.quorum, g.spec.environment)?.approvers.includes(me)) throw new CharonError('ERR_GRANT_NOT_FOUND', `No grant ${id}`);
    return g;
  };

  const scoped: Partial<OperatorHandlers> = {
    'identities.list': async (input) => (await d.handlers['identities.list'](input)).filter((i) => sees(i.id)),
    'identities.get': async (input) => {
      if (!sees(input.id)) throw new CharonError('ERR_IDENTITY_NOT_FOUND', `No identity ${input.id}`);
      return d.handlers['identities.get'](input);
    },
    'grants.list': async (input) => (await d.handlers['grants.list'](input)).filter((g) => sees(g.spec.agentId)),
    'grants.get': async (input) => (grant(input.id), d.handlers['grants.get'](input)),
    'grants.verify': async (input) => (grant(input.id), d.handlers['grants.verify'](input)),
    'grants.policy': async (input) => (grant(input.id), d.handlers['grants.policy'](input)),
    'approvals.list': async (input) => (await d.handlers['approvals.list'](input)).filter((item: ApprovalItemDto) => mayDecide(item.request)),
    'approvals.begin': async (input) => (request(input.requestId), d.handlers['approvals.begin'](input)),
    'approvals.complete': async (input) => (request(input.requestId), d.handlers['approvals.complete'](input)),
    'approvals.deny': async (input) => (request(input.requestId), d.handlers['approvals.deny'](input)),
  };

  const forbidden = (method: OperatorMethod) => async () => {
    throw new CharonError('ERR_FORBIDDEN', `${method} is for ${NOBODY.has(method) ? 'the desktop console on the server' : 'admins'}; ${me} is ${operator.role === 'admin' ? 'an admin' : 'an owner'}`);
  };
  return Object.fromEntries(
    OPERATOR_METHODS.map((method) => [method, mayCall(operator.role, method) ? (scoped[method] ?? d.handlers[method]) : forbidden(method)]),
  ) as OperatorHandlers;
}
