// Grants: what the owner approved for an agent. Every change, and every refusal of one, is
// audited in the same transaction as the change (DESIGN.md §5, invariants 8 and 9). A grant
// can be created, narrowed (never widened: invariant 6) and revoked; it expires by itself.
import { createHash, randomBytes } from 'node:crypto';
import type { GrantSpec, GrantState } from '../../src-shared/grant.js';
import type { AuditLog } from '../audit/audit-log.js';
import { auditedChange } from '../audit/audited.js';
import { canonicalJson } from '../core/canonical-json.js';
import type { Clock } from '../core/clock.js';
import { CharonError } from '../core/errors.js';
import { isNarrowerOrEqual } from '../core/grant-attenuation.js';
import { assertGrantSpecSound } from '../core/grant-validation.js';
import { isLive } from '../core/lifecycle.js';
import type { GrantRepository, IdentityRepository, Transactor } from '../core/ports.js';
import type { GrantRecord } from '../core/records.js';
import { grantCompileProblem } from '../policy/compile-grant.js';

export interface GrantServiceDeps {
  readonly grants: GrantRepository;
  readonly identities: IdentityRepository;
  readonly tx: Transactor;
  readonly audit: AuditLog;
  readonly clock: Clock;
}

/** A grant as callers see it: the state is the effective one at the time of reading. */
export interface GrantView extends Omit<GrantRecord, 'state'> {
  readonly state: GrantState;
}

/** SHA-256 (hex) of the canonical JSON of the spec: what an approval signs. */
export const specHashOf = (spec: GrantSpec): string => createHash('sha256').update(canonicalJson(spec)).digest('hex');

export const newGrantId = (): string => `grt_${randomBytes(16).toString('base64url')}`;

/** Stored ACTIVE but past its expiry reads as EXPIRED; no write is needed for time to pass. */
export function effectiveState(grant: GrantRecord, now: number): GrantState {
  return grant.state === 'ACTIVE' && grant.expiresAt !== null && grant.expiresAt <= now ? 'EXPIRED' : grant.state;
}

type ChangeListener = (agentId: string) => void;

export class GrantService {
  readonly #d: GrantServiceDeps;
  readonly #listeners = new Set<ChangeListener>();

  constructor(deps: GrantServiceDeps) {
    this.#d = deps;
  }

  /** Hears of an agent whose grants changed, once the change has committed (the policy engine recompiles). */
  onChange(listener: ChangeListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  create(spec: GrantSpec, actor: string): GrantView {
    const id = newGrantId();
    const specHash = specHashOf(spec);
    return auditedChange(this.#d.tx, this.#d.audit, { actor, kind: 'grant.create', subject: id, details: { agentId: spec.agentId, specHash } }, () => {
      const identity = this.#d.identities.get(spec.agentId);
      if (!identity) throw new CharonError('ERR_IDENTITY_NOT_FOUND', `No identity ${spec.agentId}`);
      if (!isLive(identity.state)) throw new CharonError('ERR_IDENTITY_NOT_ACTIVE', `Identity ${spec.agentId} is ${identity.state}; it cannot be granted anything`);
      if (identity.environment !== spec.environment) {
        throw new CharonError('ERR_INVALID_INPUT', `The grant is for ${spec.environment} but ${spec.agentId} is a ${identity.environment} identity`);
      }
      const now = this.#d.clock.now();
      if (spec.expiresAt !== null && spec.expiresAt <= now) throw new CharonError('ERR_INVALID_INPUT', 'The grant would already be expired');
      this.#assertEnforceable(id, spec);
      const grant: GrantRecord = { id, agentId: spec.agentId, spec, specHash, state: 'ACTIVE', createdAt: now, createdBy: actor, updatedAt: now, revokedAt: null, expiresAt: spec.expiresAt };
      this.#d.grants.insert(grant);
      this.#d.audit.append({ actor, kind: 'grant.create', subject: id, decision: 'allow', details: { agentId: spec.agentId, specHash, environment: spec.environment, expiresAt: spec.expiresAt } });
      this.#changed(spec.agentId);
      return this.#view(grant, now);
    });
  }

  get(id: string): GrantView {
    return this.#view(this.#record(id), this.#d.clock.now());
  }

  list(filter: { agentId?: string; state?: GrantState } = {}): GrantView[] {
    const now = this.#d.clock.now();
    // The effective state depends on the time, so filter after reading rather than in SQL.
    return this.#d.grants
      .list({ agentId: filter.agentId })
      .map((g) => this.#view(g, now))
      .filter((g) => filter.state === undefined || g.state === filter.state);
  }

  /** Replaces the spec of an active grant by one that allows no more; anything wider is refused. */
  narrow(id: string, spec: GrantSpec, actor: string): GrantView {
    const specHash = specHashOf(spec);
    return auditedChange(this.#d.tx, this.#d.audit, { actor, kind: 'grant.narrow', subject: id, details: { specHash } }, () => {
      const current = this.#record(id);
      const now = this.#d.clock.now();
      const state = effectiveState(current, now);
      if (state !== 'ACTIVE') throw new CharonError('ERR_GRANT_NOT_ACTIVE', `Grant ${id} is ${state}`);
      const verdict = isNarrowerOrEqual(spec, current.spec);
      if (!verdict.ok) throw new CharonError('ERR_GRANT_WIDENS', `The new spec would widen grant ${id}: ${verdict.reason}`);
      this.#assertEnforceable(id, spec);
      this.#d.grants.replaceSpec(id, spec, specHash, spec.expiresAt, now);
      this.#d.audit.append({ actor, kind: 'grant.narrow', subject: id, decision: 'allow', details: { agentId: current.agentId, fromSpecHash: current.specHash, specHash } });
      this.#changed(current.agentId);
      return this.get(id);
    });
  }

  revoke(id: string, actor: string, reason?: string): GrantView {
    return auditedChange(this.#d.tx, this.#d.audit, { actor, kind: 'grant.revoke', subject: id, details: { reason } }, () => {
      const current = this.#record(id);
      if (current.state === 'REVOKED') throw new CharonError('ERR_GRANT_NOT_ACTIVE', `Grant ${id} is already revoked`);
      const now = this.#d.clock.now();
      this.#d.grants.setState(id, 'REVOKED', now);
      this.#d.audit.append({ actor, kind: 'grant.revoke', subject: id, decision: 'allow', details: { agentId: current.agentId, specHash: current.specHash, from: effectiveState(current, now), reason } });
      this.#changed(current.agentId);
      return this.get(id);
    });
  }

  /** The grants the gateway enforces for the agent at `now`: ACTIVE and not past expiry. */
  activeGrantsFor(agentId: string, now: number): GrantRecord[] {
    return this.#d.grants.list({ agentId, state: 'ACTIVE' }).filter((g) => effectiveState(g, now) === 'ACTIVE');
  }

  #record(id: string): GrantRecord {
    const grant = this.#d.grants.get(id);
    if (!grant) throw new CharonError('ERR_GRANT_NOT_FOUND', `No grant ${id}`);
    return grant;
  }

  #view(grant: GrantRecord, now: number): GrantView {
    return { ...grant, state: effectiveState(grant, now) };
  }

  /** A stored grant must mean what it says: sound constraints and policies Cedar parses. */
  #assertEnforceable(id: string, spec: GrantSpec): void {
    assertGrantSpecSound(spec);
    const problem = grantCompileProblem({ id, spec });
    if (problem !== null) throw new CharonError('ERR_INVALID_INPUT', `The grant cannot be compiled to policy: ${problem}`);
  }

  #changed(agentId: string): void {
    this.#d.tx.afterCommit(() => {
      for (const listener of this.#listeners) listener(agentId);
    });
  }
}
