import type { AuditLog } from '../audit/audit-log.js';
import { auditedChange } from '../audit/audited.js';
import type { Clock } from '../core/clock.js';
import { CharonError } from '../core/errors.js';
import { isLive } from '../core/lifecycle.js';
import type { AttestationRepository, IdentityRepository, JoinTokenRepository, Transactor } from '../core/ports.js';
import type { AttestationMethod, IdentityRecord } from '../core/records.js';
import { selectorsSatisfied } from '../core/selectors.js';
import { agentSpiffeId } from '../core/spiffe-id.js';
import { newJoinToken, redeemJoinToken } from './join-tokens.js';
import type { K8sPsatAttestor } from './k8s-psat.js';

export interface AttestationServiceDeps {
  readonly identities: IdentityRepository;
  readonly joinTokens: JoinTokenRepository;
  readonly attestations: AttestationRepository;
  readonly tx: Transactor;
  readonly audit: AuditLog;
  readonly clock: Clock;
  readonly trustDomain: string;
  readonly attestationTtlMs: number;
  readonly joinTokenTtlMs: number;
  readonly k8s: K8sPsatAttestor | null;
  /** Moves an attested identity to ACTIVE (provided by the composition root; joins the transaction). */
  readonly activate: (agentId: string, actor: string) => void;
}

export interface AttestationResult {
  readonly identity: IdentityRecord;
  readonly method: AttestationMethod;
  readonly selectors: readonly string[];
  readonly expiresAt: number;
}

/** Proves who an agent is (join token, Kubernetes SA token) and records it with a TTL. */
export class AttestationService {
  readonly #d: AttestationServiceDeps;

  constructor(deps: AttestationServiceDeps) {
    this.#d = deps;
  }

  createJoinToken(agentId: string, selectors: readonly string[] | undefined, ttlSeconds: number | undefined, actor: string) {
    const subject = agentSpiffeId(this.#d.trustDomain, agentId);
    return auditedChange(this.#d.tx, this.#d.audit, { actor, kind: 'join_token.create', subject }, () => {
      const identity = this.#d.identities.get(agentId);
      if (!identity) throw new CharonError('ERR_IDENTITY_NOT_FOUND', `No identity ${agentId}`);
      if (!isLive(identity.state)) throw new CharonError('ERR_IDENTITY_NOT_ACTIVE', `Identity ${agentId} is ${identity.state}`);
      const now = this.#d.clock.now();
      const { token, record } = newJoinToken(identity, selectors ?? identity.selectors, now, ttlSeconds ? ttlSeconds * 1000 : this.#d.joinTokenTtlMs);
      this.#d.joinTokens.insert(record);
      this.#d.audit.append({
        actor,
        kind: 'join_token.create',
        subject,
        decision: 'allow',
        details: { tokenHash: record.tokenHash.slice(0, 16), selectors: record.selectors, expiresAt: record.expiresAt },
      });
      return { token, agentId, selectors: record.selectors, expiresAt: record.expiresAt };
    });
  }

  attestWithJoinToken(agentId: string, token: string, presentedSelectors?: readonly string[]): AttestationResult {
    return this.#attest(agentId, 'join_token', (identity, now) => redeemJoinToken(this.#d.joinTokens, token, identity, presentedSelectors, now));
  }

  async attestWithK8sToken(agentId: string, token: string): Promise<AttestationResult> {
    const subject = agentSpiffeId(this.#d.trustDomain, agentId);
    let attested: string[];
    try {
      if (!this.#d.k8s) throw new CharonError('ERR_K8S_NOT_CONFIGURED', 'Kubernetes attestation is not configured');
      attested = await this.#d.k8s.attest(token, this.#d.clock.now());
    } catch (error) {
      if (error instanceof CharonError) {
        this.#d.audit.append({ actor: subject, kind: 'attestation', subject, decision: 'deny', details: { method: 'k8s_psat', code: error.code, message: error.message } });
      }
      throw error;
    }
    return this.#attest(agentId, 'k8s_psat', (identity) => {
      // An identity with no selectors would be satisfied by any service account in the cluster.
      if (identity.selectors.length === 0 || !selectorsSatisfied(identity.selectors, attested)) {
        throw new CharonError('ERR_SELECTOR_MISMATCH', `The service-account token does not carry the selectors registered for ${agentId}`);
      }
      return attested;
    });
  }

  /**
   * An OAuth authorization the owner approved with a passkey (or a rotation of its refresh
   * token) vouches for an MCP client's own agent, as a join token does for a local agent.
   */
  attestWithOAuth(agentId: string, evidence: { clientId: string; familyId: string }): AttestationResult {
    return this.#attest(agentId, 'oauth', () => [`oauth:client:${evidence.clientId}`, `oauth:family:${evidence.familyId}`]);
  }

  #attest(agentId: string, method: AttestationMethod, check: (identity: IdentityRecord, now: number) => readonly string[]): AttestationResult {
    const subject = agentSpiffeId(this.#d.trustDomain, agentId);
    return auditedChange(this.#d.tx, this.#d.audit, { actor: subject, kind: 'attestation', subject, details: { method } }, () => {
      const identity = this.#d.identities.get(agentId);
      // Unknown agents get the same answer as bad tokens: no registry oracle for agents.
      if (!identity) throw new CharonError(method === 'join_token' ? 'ERR_JOIN_TOKEN_INVALID' : 'ERR_SELECTOR_MISMATCH', 'Attestation failed');
      if (!isLive(identity.state)) throw new CharonError('ERR_IDENTITY_NOT_ACTIVE', `Identity ${agentId} is ${identity.state}`);
      const now = this.#d.clock.now();
      const selectors = check(identity, now);
      const expiresAt = now + this.#d.attestationTtlMs;
      this.#d.attestations.insert({ agentId, method, selectors, attestedAt: now, expiresAt });
      this.#d.identities.recordAttestation(agentId, now, expiresAt);
      this.#d.audit.append({ actor: subject, kind: 'attestation', subject, decision: 'allow', details: { method, selectors, expiresAt } });
      if (identity.state !== 'ACTIVE') this.#d.activate(agentId, subject);
      const updated = this.#d.identities.get(agentId) as IdentityRecord;
      return { identity: updated, method, selectors, expiresAt };
    });
  }
}
