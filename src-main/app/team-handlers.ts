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
import { agentIdOf } from '../core/spiffe-id.js';
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
  // Their own agents' activity, and the owner's own brakes on them.
  'audit.list',
  'credentials.list',
  'gateway.sessions',
  'delegation.graph',
  'jit.list',
  'jit.set',
  'grants.tryCall',
  'grants.revoke',
  'identities.revoke',
  'identities.kill',
]);
const NOBODY = new Set<OperatorMethod>(['passkeys.list', 'passkeys.registerBegin', 'passkeys.registerComplete', 'passkeys.removeBegin', 'passkeys.remove', 'servers.discover']);

export interface TeamHandlerDeps {
  readonly trustDomain: string;
  readonly audit: { append(event: { actor: string; kind: string; subject: string; decision: 'deny'; details: Record<string, unknown> }): unknown };
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
  // What the scope refuses is itself a record: who tried what.
  const scopeRefusals = new WeakSet<object>();
  const refused = (code: 'ERR_FORBIDDEN' | 'ERR_GRANT_NOT_FOUND' | 'ERR_IDENTITY_NOT_FOUND', message: string): CharonError => {
    const error = new CharonError(code, message);
    scopeRefusals.add(error);
    return error;
  };
  const ownsAgent = (agentId: string): boolean => d.identities.get(agentId)?.owner === me;
  // An admin sees every agent; approving stays with each agent's owner (or the approvers a rule names).
  const sees = (agentId: string): boolean => operator.role === 'admin' || ownsAgent(agentId);
  const mayDecide = (r: GrantRequestRecord): boolean => ownsAgent(r.agentId) || Boolean(quorumFor(d.quorum, r.spec.environment)?.approvers.includes(me));
  const request = (id: string): GrantRequestRecord => {
    const r = d.requests.get(id);
    if (!r || !mayDecide(r)) throw refused('ERR_FORBIDDEN', `${me} may not decide grant request ${id}: it is for an agent ${me} does not own`);
    return r;
  };
  const grant = (id: string): GrantRecord => {
    const g = d.grants.get(id);
    // The approvers an M-of-N rule names verify what they signed.
    if (!sees(g.agentId) && !quorumFor(d.quorum, g.spec.environment)?.approvers.includes(me)) throw refused('ERR_GRANT_NOT_FOUND', `No grant ${id}`);
    return g;
  };

  const own = (agentId: string): void => {
    if (!sees(agentId)) throw refused('ERR_FORBIDDEN', `${agentId} is not one of ${me}'s agents`);
  };
  const scoped: Partial<OperatorHandlers> = {
    // Where the server keeps its files and database is the admins' business.
    'status.get': async (input) => {
      const status = await d.handlers['status.get'](input);
      return operator.role === 'admin' ? status : { ...status, dataDir: '(on the server)', store: { kind: status.store.kind, location: '(on the server)' } };
    },
    // A page of the chain may hold fewer than `limit` of this operator's records: the rest are others'.
    'audit.list': async (input) => (await d.handlers['audit.list'](input)).filter((record) => auditVisible(operator, record, d)),
    'credentials.list': async (input) => (await d.handlers['credentials.list'](input)).filter((c) => sees(c.agentId)),
    'gateway.sessions': async (input) => (await d.handlers['gateway.sessions'](input)).filter((g) => sees(g.agentId)),
    'delegation.graph': async (input) => {
      if (operator.role !== 'admin' && !input.agentId) throw refused('ERR_FORBIDDEN', 'An owner reads the delegation graph of one of their agents (agentId)');
      if (input.agentId) own(input.agentId);
      return d.handlers['delegation.graph'](input);
    },
    'jit.list': async (input) => (await d.handlers['jit.list'](input)).filter((j) => sees(j.agentId)),
    'jit.set': async (input) => (own(input.agentId), d.handlers['jit.set'](input)),
    'grants.tryCall': async (input) => (own(input.agentId), d.handlers['grants.tryCall'](input)),
    'grants.revoke': async (input) => (grant(input.id), d.handlers['grants.revoke'](input)),
    // Consent is the owner's own, admin or not: a grant made directly, or the owner's authority
    // delegated to an agent, only for the operator's own agents and in their own name.
    'grants.create': async (input) => {
      if (!ownsAgent(input.spec.agentId)) throw refused('ERR_FORBIDDEN', `Only ${input.spec.agentId}'s owner grants it anything; ${me} may send it through a request instead`);
      return d.handlers['grants.create'](input);
    },
    'delegation.authorize': async (input) => {
      if (input.ownerId !== me || !ownsAgent(input.agentId)) throw refused('ERR_FORBIDDEN', `${me} delegates only their own authority, to their own agents`);
      return d.handlers['delegation.authorize'](input);
    },
    'identities.revoke': async (input) => (own(input.id), d.handlers['identities.revoke'](input)),
    'identities.kill': async (input) => (own(input.id), d.handlers['identities.kill'](input)),
    'identities.list': async (input) => (await d.handlers['identities.list'](input)).filter((i) => sees(i.id)),
    'identities.get': async (input) => {
      if (!sees(input.id)) throw refused('ERR_IDENTITY_NOT_FOUND', `No identity ${input.id}`);
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
    throw refused('ERR_FORBIDDEN', `${method} is for ${NOBODY.has(method) ? 'the desktop console on the server' : 'admins'}; ${me} is ${operator.role === 'admin' ? 'an admin' : 'an owner'}`);
  };
  const audited = (method: OperatorMethod, handler: (input: never) => Promise<unknown>) => async (input: never) => {
    try {
      return await handler(input);
    } catch (error) {
      if (error instanceof CharonError && scopeRefusals.has(error)) d.audit.append({ actor: operatorActor(me), kind: 'operator.refused', subject: method, decision: 'deny', details: { code: error.code, message: error.message } });
      throw error;
    }
  };
  return Object.fromEntries(
    OPERATOR_METHODS.map((method) => [method, audited(method, (mayCall(operator.role, method) ? (scoped[method] ?? d.handlers[method]) : forbidden(method)) as (input: never) => Promise<unknown>)]),
  ) as OperatorHandlers;
}

/**
 * Whether an audit record concerns what this operator may see: an admin sees all; an owner, what
 * they did, and what touches an agent they own or an agent whose environment's M-of-N rule names them.
 */
export function auditVisible(operator: OperatorRecord, record: { actor: string; subject: string; details: Record<string, unknown> }, d: Pick<TeamHandlerDeps, 'identities' | 'quorum' | 'trustDomain'>): boolean {
  if (operator.role === 'admin' || record.actor === operatorActor(operator.id)) return true;
  const concerns = (agentId: unknown): boolean => {
    const identity = typeof agentId === 'string' ? d.identities.get(agentId) : null;
    return Boolean(identity && (identity.owner === operator.id || quorumFor(d.quorum, identity.environment)?.approvers.includes(operator.id)));
  };
  // Agents appear by id in details or subject, or by SPIFFE ID as the subject (lifecycle) or the actor (their calls).
  return concerns(record.details.agentId) || concerns(record.subject) || concerns(agentIdOf(d.trustDomain, record.subject)) || concerns(agentIdOf(d.trustDomain, record.actor));
}
