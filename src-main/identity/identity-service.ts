import type { LifecycleState } from '../../src-shared/domain.js';
import type { AuditLog } from '../audit/audit-log.js';
import { auditedChange } from '../audit/audited.js';
import type { Clock } from '../core/clock.js';
import { CharonError } from '../core/errors.js';
import { assertTransition, isLive, needsAttestation, revokesCredentials } from '../core/lifecycle.js';
import type { CredentialRepository, IdentityFilter, IdentityRepository, Transactor } from '../core/ports.js';
import type { IdentityRecord } from '../core/records.js';
import { normalizeSelectors } from '../core/selectors.js';
import { agentSpiffeId } from '../core/spiffe-id.js';
import type { Environment } from '../../src-shared/domain.js';

export interface IdentityServiceDeps {
  readonly identities: IdentityRepository;
  readonly credentials: CredentialRepository;
  readonly tx: Transactor;
  readonly audit: AuditLog;
  readonly clock: Clock;
  readonly trustDomain: string;
}

export interface RegisterIdentity {
  readonly id: string;
  readonly owner: string;
  readonly environment: Environment;
  readonly displayName?: string;
  readonly selectors: readonly string[];
  readonly scopes: readonly string[];
}

/** The registry and the lifecycle state machine, every change audited in its own transaction. */
export class IdentityService {
  readonly #d: IdentityServiceDeps;

  constructor(deps: IdentityServiceDeps) {
    this.#d = deps;
  }

  register(input: RegisterIdentity, actor: string): IdentityRecord {
    const spiffeId = agentSpiffeId(this.#d.trustDomain, input.id);
    return auditedChange(this.#d.tx, this.#d.audit, { actor, kind: 'identity.register', subject: spiffeId }, () => {
      if (this.#d.identities.get(input.id)) throw new CharonError('ERR_IDENTITY_EXISTS', `Identity ${input.id} already exists`);
      const now = this.#d.clock.now();
      const identity: IdentityRecord = {
        id: input.id,
        spiffeId,
        displayName: input.displayName ?? input.id,
        owner: input.owner,
        environment: input.environment,
        selectors: normalizeSelectors(input.selectors),
        scopes: [...new Set(input.scopes)].sort(),
        state: 'PROVISIONED',
        createdAt: now,
        updatedAt: now,
        lastAttestedAt: null,
        attestationExpiresAt: null,
        lastSeenAt: null,
      };
      this.#d.identities.insert(identity);
      this.#d.audit.append({
        actor,
        kind: 'identity.register',
        subject: spiffeId,
        decision: 'allow',
        details: { owner: identity.owner, environment: identity.environment, selectors: identity.selectors, scopes: identity.scopes },
      });
      return identity;
    });
  }

  get(id: string): IdentityRecord {
    const identity = this.#d.identities.get(id);
    if (!identity) throw new CharonError('ERR_IDENTITY_NOT_FOUND', `No identity ${id}`);
    return identity;
  }

  list(filter: IdentityFilter): IdentityRecord[] {
    return this.#d.identities.list(filter);
  }

  transition(id: string, to: LifecycleState, actor: string, reason?: string): IdentityRecord {
    return auditedChange(this.#d.tx, this.#d.audit, { actor, kind: 'identity.transition', subject: agentSpiffeId(this.#d.trustDomain, id), details: { to, reason } }, () =>
      this.transitionInTransaction(id, to, actor, reason),
    );
  }

  /** For callers already inside a transaction (attestation activates the identity it attested). */
  transitionInTransaction(id: string, to: LifecycleState, actor: string, reason?: string): IdentityRecord {
    const identity = this.get(id);
    const now = this.#d.clock.now();
    assertTransition(identity.state, to);
    if (needsAttestation(to) && !(identity.attestationExpiresAt !== null && identity.attestationExpiresAt > now)) {
      throw new CharonError('ERR_ATTESTATION_REQUIRED', `Activating ${id} needs a fresh attestation`);
    }
    this.#d.identities.setState(id, to, now);
    this.#d.audit.append({ actor, kind: 'identity.transition', subject: identity.spiffeId, decision: 'allow', details: { from: identity.state, to, reason } });
    if (revokesCredentials(to)) this.#revokeCredentials(identity, actor, `identity ${to}`);
    return this.get(id);
  }

  /** Kill switch: every live credential revoked and the identity REVOKED, in one transaction. */
  kill(id: string, actor: string, reason?: string): { identity: IdentityRecord; revokedCredentials: number } {
    return auditedChange(this.#d.tx, this.#d.audit, { actor, kind: 'identity.kill', subject: agentSpiffeId(this.#d.trustDomain, id), details: { reason } }, () => {
      const identity = this.get(id);
      const revoked = this.#revokeCredentials(identity, actor, reason ?? 'kill switch');
      if (isLive(identity.state)) this.#d.identities.setState(id, 'REVOKED', this.#d.clock.now());
      this.#d.audit.append({ actor, kind: 'identity.kill', subject: identity.spiffeId, decision: 'allow', details: { from: identity.state, to: isLive(identity.state) ? 'REVOKED' : identity.state, revokedCredentials: revoked, reason } });
      return { identity: this.get(id), revokedCredentials: revoked };
    });
  }

  #revokeCredentials(identity: IdentityRecord, actor: string, reason: string): number {
    const jtis = this.#d.credentials.revokeAllForAgent(identity.id, this.#d.clock.now(), reason);
    if (jtis.length > 0) {
      this.#d.audit.append({ actor, kind: 'credential.revoke', subject: identity.spiffeId, decision: 'allow', details: { jtis, reason } });
    }
    return jtis.length;
  }
}
