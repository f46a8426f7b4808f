// Grant requests, the agent's side (DESIGN.md §2, §4): an agent asks for a grant for itself,
// reads and withdraws its own requests; a dev/test request matching an auto-approve rule is
// granted at once. The owner's side (the inbox, the passkey approval) is approval-service.ts.
import { randomBytes } from 'node:crypto';
import type { GrantRequestDto, HeldCallDto, RiskLevel } from '../../src-shared/approvals.js';
import type { GrantSpec } from '../../src-shared/grant.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { ApprovalRepository, GrantRequestRecord, GrantRequestRepository } from '../core/approval-records.js';
import type { Clock } from '../core/clock.js';
import { CharonError } from '../core/errors.js';
import type { IdentityRepository, Transactor } from '../core/ports.js';
import { auditedChange } from '../audit/audited.js';
import { assertPending, effectiveRequestState, requestDto, type GrantPort } from './request-state.js';
import { riskAtMost, specRisk } from './risk.js';
import { sha256Canonical } from './webauthn.js';

/** A dev/test rule under which a request is granted without the owner (never prod). */
export interface AutoApproveRule {
  readonly name: string;
  readonly environments: readonly ('dev' | 'test')[];
  readonly maxRisk: RiskLevel;
  /** Only these downstream servers (any, if absent). */
  readonly servers?: readonly string[];
}

export interface GrantRequestsDeps {
  readonly requests: GrantRequestRepository;
  readonly approvals: ApprovalRepository;
  readonly identities: IdentityRepository;
  readonly grants: GrantPort;
  readonly tx: Transactor;
  readonly audit: AuditLog;
  readonly clock: Clock;
  readonly autoApprove: readonly AutoApproveRule[];
  /** A request left PENDING (withdrawn): its open approval ceremonies end with it. */
  readonly closed: (requestId: string) => void;
  readonly requestTtlMs?: number;
  readonly maxPendingPerAgent?: number;
}

const DEFAULT_REQUEST_TTL_MS = 24 * 3600 * 1000;
const DEFAULT_MAX_PENDING = 5;
/** After a denial the agent waits 1 min, doubling per further denial in the last day, up to 1 h. */
const BACKOFF_BASE_MS = 60 * 1000;
const BACKOFF_MAX_MS = 3600 * 1000;

export class GrantRequests {
  readonly #d: GrantRequestsDeps;

  constructor(deps: GrantRequestsDeps) {
    this.#d = deps;
  }

  /**
   * An agent asks for a grant for itself; dev/test requests matching an auto-approve rule are granted at once.
   * `ttlMs`: how long the request stays open, when its asker waits less than the default day (an OAuth authorization: 15 minutes).
   */
  request(callerAgentId: string, actor: string, spec: GrantSpec, purpose: string, heldCall: HeldCallDto | null = null, ttlMs?: number): GrantRequestDto {
    const id = `grq_${randomBytes(16).toString('base64url')}`;
    const specHash = sha256Canonical(spec);
    return auditedChange(this.#d.tx, this.#d.audit, { actor, kind: 'grant.request', subject: id, details: { agentId: callerAgentId, specHash } }, () => {
      if (spec.agentId !== callerAgentId) throw new CharonError('ERR_FORBIDDEN', 'An agent may request grants only for itself');
      const identity = this.#d.identities.get(callerAgentId);
      if (!identity) throw new CharonError('ERR_IDENTITY_NOT_FOUND', `No identity ${callerAgentId}`);
      if (identity.environment !== spec.environment) throw new CharonError('ERR_INVALID_INPUT', `The request is for ${spec.environment} but ${callerAgentId} is a ${identity.environment} identity`);
      const now = this.#d.clock.now();
      if (spec.expiresAt !== null && spec.expiresAt <= now) throw new CharonError('ERR_INVALID_INPUT', 'The requested grant would already be expired');
      const pending = this.#d.requests.list({ agentId: callerAgentId, state: 'PENDING' }).filter((r) => effectiveRequestState(r, now) === 'PENDING');
      const max = this.#d.maxPendingPerAgent ?? DEFAULT_MAX_PENDING;
      if (pending.length >= max) throw new CharonError('ERR_GRANT_REQUEST_LIMIT', `${callerAgentId} already has ${pending.length} pending requests (at most ${max}); withdraw one or wait`);
      const retryAt = this.#backoffUntil(callerAgentId, now);
      if (retryAt > now) throw new CharonError('ERR_GRANT_REQUEST_BACKOFF', `Requests of ${callerAgentId} were denied recently; retry in ${Math.ceil((retryAt - now) / 1000)} s`);
      const record: GrantRequestRecord = { id, agentId: callerAgentId, spec, specHash, purpose, state: 'PENDING', createdAt: now, expiresAt: now + Math.min(ttlMs ?? Infinity, this.#d.requestTtlMs ?? DEFAULT_REQUEST_TTL_MS), decidedAt: null, decidedBy: null, reason: null, grantId: null, heldCall };
      this.#d.requests.insert(record);
      const risk = specRisk(spec);
      this.#d.audit.append({ actor, kind: 'grant.request', subject: id, decision: 'allow', details: { agentId: callerAgentId, specHash, environment: spec.environment, risk, purpose } });
      const rule = this.#autoRule(spec, risk);
      if (rule) this.#autoApprove(record, rule);
      return requestDto(this.#d.requests.get(id) as GrantRequestRecord, now);
    });
  }

  /** A request as stored, whoever it is for (the team console checks who may decide it). */
  find(id: string): GrantRequestRecord | null {
    return this.#d.requests.get(id);
  }

  /** The caller's own request; another agent's reads as not found. */
  getForAgent(callerAgentId: string, id: string): GrantRequestDto {
    const r = this.#d.requests.get(id);
    if (!r || r.agentId !== callerAgentId) throw new CharonError('ERR_GRANT_REQUEST_NOT_FOUND', `No grant request ${id}`);
    return requestDto(r, this.#d.clock.now());
  }

  withdraw(callerAgentId: string, actor: string, id: string): GrantRequestDto {
    return auditedChange(this.#d.tx, this.#d.audit, { actor, kind: 'grant.request.withdraw', subject: id, details: {} }, () => {
      const r = this.#d.requests.get(id);
      if (!r || r.agentId !== callerAgentId) throw new CharonError('ERR_GRANT_REQUEST_NOT_FOUND', `No grant request ${id}`);
      const now = this.#d.clock.now();
      assertPending(r, now);
      this.#d.requests.decide(id, 'WITHDRAWN', now, actor, null, null);
      this.#d.closed(id);
      this.#d.audit.append({ actor, kind: 'grant.request.withdraw', subject: id, decision: 'allow', details: { agentId: r.agentId } });
      return requestDto(this.#d.requests.get(id) as GrantRequestRecord, now);
    });
  }

  #autoRule(spec: GrantSpec, risk: RiskLevel): AutoApproveRule | null {
    // Prod grants always need the owner's passkey, whatever the configuration says.
    if (spec.environment === 'prod') return null;
    const env = spec.environment;
    return (
      this.#d.autoApprove.find(
        (rule) => rule.environments.includes(env) && riskAtMost(risk, rule.maxRisk) && (!rule.servers || Object.keys(spec.servers).every((s) => rule.servers?.includes(s))),
      ) ?? null
    );
  }

  #autoApprove(r: GrantRequestRecord, rule: AutoApproveRule): void {
    const actor = `auto-approve:${rule.name}`;
    const now = this.#d.clock.now();
    const grant = this.#d.grants.create(r.spec, actor);
    this.#d.approvals.insert({ grantId: grant.id, requestId: r.id, method: 'auto', spec: r.spec, specHash: r.specHash, nonce: '', challenge: '', credentialId: null, authenticatorData: null, clientDataJson: null, signature: null, userHandle: null, origin: null, rpId: null, assertionDigest: null, rule: rule.name, approvedAt: now });
    this.#d.requests.decide(r.id, 'APPROVED', now, actor, null, grant.id);
    this.#d.audit.append({ actor, kind: 'grant.auto-approve', subject: r.id, decision: 'allow', details: { method: 'auto', rule: rule.name, agentId: r.agentId, grantId: grant.id, specHash: r.specHash, environment: r.spec.environment, risk: specRisk(r.spec) } });
  }

  #backoffUntil(agentId: string, now: number): number {
    const denials = this.#d.requests.denialsSince(agentId, now - 24 * 3600 * 1000);
    const latest = denials[0];
    if (!latest?.decidedAt) return 0;
    return latest.decidedAt + Math.min(BACKOFF_BASE_MS * 2 ** (denials.length - 1), BACKOFF_MAX_MS);
  }
}
