// The owner's side of grant requests (DESIGN.md §2, §4; the agent's side is grant-requests.ts):
// the inbox, and the approval of exactly what the console shows — possibly narrowed — with a fresh passkey
// assertion whose challenge commits to SHA-256 of the canonical spec, the request id and a
// nonce. The grant and the evidence are stored in one transaction and audited with the
// assertion's digest; `verify` re-checks a stored grant against its evidence offline.
import { randomBytes } from 'node:crypto';
import type {
  ApprovalChallengeDto,
  ApprovalItemDto,
  AuthenticationResponseInput,
  GrantRequestDto,
  GrantRequestState,
  GrantVerifyDto,
  GrantVerifyProblem,
  QuorumStatusDto,
  SignatureCheckDto,
} from '../../src-shared/approvals.js';
import type { GrantSpec } from '../../src-shared/grant.js';
import type { AuditLog } from '../audit/audit-log.js';
import { Ceremonies } from './ceremonies.js';
import type { ApprovalRecord, ApprovalRepository, CeremonyRepository, GrantRequestRecord, GrantRequestRepository, PasskeyRepository, SignatureRecord, SignatureRepository } from '../core/approval-records.js';
import { countedSigners, quorumFor, quorumMet, type QuorumRule } from '../core/quorum.js';
import type { Clock } from '../core/clock.js';
import { CharonError } from '../core/errors.js';
import { isNarrowerOrEqual } from '../core/grant-attenuation.js';
import { grantWidenings } from '../core/grant-diff.js';
import { jitChoices } from '../core/jit-choices.js';
import type { IdentityRepository, Transactor } from '../core/ports.js';
import { checkEvidence } from './evidence.js';
import { auditedChange, recordRefusal } from '../audit/audited.js';
import type { AuditEventInput } from '../core/records.js';
import { assertPending, effectiveRequestState, requestDto, type GrantPort } from './request-state.js';
import { CHALLENGE_TTL_MS, DESKTOP_SIGNER, rpIdOf, type PasskeyService, type Signer } from './passkeys.js';
import { specRisk, toolsOf } from './risk.js';
import { approvalChallenge, assertionDigest, authenticationOptions, sha256Canonical } from './webauthn.js';

export interface ApprovalServiceDeps {
  readonly requests: GrantRequestRepository;
  readonly approvals: ApprovalRepository;
  readonly passkeyRecords: PasskeyRepository;
  readonly passkeys: PasskeyService;
  readonly identities: IdentityRepository;
  readonly grants: GrantPort;
  readonly tx: Transactor;
  readonly audit: AuditLog;
  readonly clock: Clock;
  /** Approvers' signatures when a grant needs M of N (team mode). */
  readonly signatures: SignatureRepository;
  /** Open approval ceremonies, in the store: begun on one replica, answered on another. */
  readonly ceremonies: CeremonyRepository;
  /** M-of-N rules by environment (read at each use, as configured). */
  readonly quorum: () => readonly QuorumRule[];
}

/** Open approval ceremonies at once (each request is capped per agent already). */
const MAX_OPEN_APPROVALS = 10_000;
interface PendingApproval {
  readonly requestId: string;
  readonly spec: GrantSpec;
  readonly specHash: string;
  readonly nonce: string;
  readonly challenge: string;
  readonly expiresAt: number;
}

export class ApprovalService {
  readonly #d: ApprovalServiceDeps;
  /** One open approval ceremony per request and signer: a new begin replaces the old one. */
  readonly #pending: Ceremonies<PendingApproval>;

  constructor(deps: ApprovalServiceDeps) {
    this.#d = deps;
    this.#pending = new Ceremonies(deps.ceremonies, 'approval', deps.clock, MAX_OPEN_APPROVALS);
  }

  // --- the owner's side -------------------------------------------------------------------

  /** The inbox: requests (pending by default) with their risk and what they add to the agent's grants. */
  list(state: GrantRequestState = 'PENDING'): ApprovalItemDto[] {
    const now = this.#d.clock.now();
    const rows = state === 'EXPIRED' ? [...this.#d.requests.list({ state: 'EXPIRED' }), ...this.#d.requests.list({ state: 'PENDING' })] : this.#d.requests.list({ state });
    return rows.filter((r) => effectiveRequestState(r, now) === state).map((r) => this.#item(r, now));
  }

  /**
   * Opens an approval of `spec` (the request's spec or a narrower one, exactly as the console
   * shows it): WebAuthn options whose challenge commits to the spec's hash, the request and a nonce.
   */
  async begin(requestId: string, spec: GrantSpec, actor: string, signer: Signer = DESKTOP_SIGNER): Promise<ApprovalChallengeDto> {
    const refusal: Refusal = { actor, kind: 'grant.approve', subject: requestId, details: { phase: 'begin' } };
    const prepared = this.#audited(refusal, () => {
      const r = this.#requestRecord(requestId);
      assertPending(r, this.#d.clock.now());
      if (spec.agentId !== r.agentId || spec.environment !== r.spec.environment) throw new CharonError('ERR_GRANT_WIDENS', 'The approved spec must be for the requesting agent and environment');
      const verdict = isNarrowerOrEqual(spec, r.spec);
      if (!verdict.ok) throw new CharonError('ERR_GRANT_WIDENS', `The approved spec would allow more than was requested: ${verdict.reason}`);
      const passkeys = this.#d.passkeys.active(signer.operatorId);
      if (passkeys.length === 0) throw new CharonError('ERR_PASSKEY_REQUIRED', 'Enroll a passkey first: approvals need one');
      const specHash = sha256Canonical(spec);
      this.#assertMaySign(r, specHash, signer);
      const nonce = randomBytes(32).toString('base64url');
      const pending: PendingApproval = { requestId, spec, specHash, nonce, challenge: approvalChallenge(requestId, specHash, nonce), expiresAt: this.#d.clock.now() + CHALLENGE_TTL_MS };
      this.#pending.open(pendingKey(requestId, signer), pending);
      return pending;
    });
    const options = await authenticationOptions(prepared.challenge, this.#d.passkeys.active(signer.operatorId), rpIdOf(signer));
    return { requestId, specHash: prepared.specHash, nonce: prepared.nonce, expiresAt: prepared.expiresAt, options };
  }

  /**
   * Verifies the assertion against the open approval, then creates the grant and stores the
   * evidence together. Under an M-of-N rule the signature is stored, and the grant is created only
   * with the signature that makes the quorum (`grant` is null until then).
   */
  async complete(requestId: string, response: AuthenticationResponseInput, actor: string, signer: Signer = DESKTOP_SIGNER): Promise<{ request: GrantRequestDto; grant: { id: string; specHash: string } | null; quorum: QuorumStatusDto | null }> {
    const refusal: Refusal = { actor, kind: 'grant.approve', subject: requestId, details: { phase: 'complete', credentialId: response.id, assertionDigest: safeDigest(response) } };
    const key = pendingKey(requestId, signer);
    // Single use: whatever happens next, this challenge cannot be answered again.
    const pending = this.#pending.take(key);
    let origin: string;
    try {
      if (!pending) throw new CharonError('ERR_CHALLENGE_INVALID', 'No open approval for this request (never begun, already used, or replaced)');
      if (pending.expiresAt <= this.#d.clock.now()) throw new CharonError('ERR_CHALLENGE_EXPIRED', 'The approval challenge expired; begin again');
      assertPending(this.#requestRecord(requestId), this.#d.clock.now());
      // The challenge is recomputed from what was shown, never taken from the response.
      const challenge = approvalChallenge(pending.requestId, sha256Canonical(pending.spec), pending.nonce);
      ({ origin } = await this.#d.passkeys.assert(response, challenge, signer));
    } catch (error) {
      recordRefusal(this.#d.audit, refusal, error);
      throw error;
    }
    return this.#audited(refusal, () => {
      const r = this.#requestRecord(requestId);
      const now = this.#d.clock.now();
      assertPending(r, now);
      const digest = assertionDigest(response);
      // What was shown and what the passkey signed over it: stored as it came, re-verifiable offline.
      const evidence = {
        requestId,
        spec: pending.spec,
        specHash: pending.specHash,
        nonce: pending.nonce,
        challenge: pending.challenge,
        credentialId: response.id,
        authenticatorData: response.response.authenticatorData,
        clientDataJson: response.response.clientDataJSON,
        signature: response.response.signature,
        userHandle: response.response.userHandle ?? null,
        origin,
        rpId: rpIdOf(signer),
        assertionDigest: digest,
      };
      const rule = quorumFor(this.#d.quorum(), r.spec.environment);
      let status: QuorumStatusDto | null = null;
      if (rule) {
        this.#assertMaySign(r, pending.specHash, signer);
        const signature: SignatureRecord = { ...evidence, operatorId: signer.operatorId as string, signedAt: now };
        if (!this.#d.signatures.insert(signature)) throw new CharonError('ERR_QUORUM_ALREADY_SIGNED', `${signature.operatorId} already signed this request`);
        status = this.#quorumStatus(r, rule);
        if (!quorumMet(rule, status.signedBy)) {
          this.#d.audit.append({ actor, kind: 'grant.approve.sign', subject: requestId, decision: 'allow', details: { agentId: r.agentId, specHash: pending.specHash, credentialId: response.id, assertionDigest: digest, signedBy: status.signedBy, required: rule.required } });
          return { request: requestDto(r, now), grant: null, quorum: status };
        }
      }
      const grant = this.#d.grants.create(pending.spec, actor);
      const approval: ApprovalRecord = { ...evidence, grantId: grant.id, method: 'passkey', rule: null, approvedAt: now };
      this.#d.approvals.insert(approval);
      if (!this.#d.requests.decide(requestId, 'APPROVED', now, actor, null, grant.id)) throw new CharonError('ERR_GRANT_REQUEST_NOT_PENDING', `Grant request ${requestId} was decided meanwhile`);
      const narrowed = pending.specHash !== r.specHash;
      this.#d.audit.append({
        actor,
        kind: 'grant.approve',
        subject: requestId,
        decision: 'allow',
        details: { method: 'passkey', agentId: r.agentId, grantId: grant.id, specHash: pending.specHash, requestedSpecHash: r.specHash, narrowed, nonce: pending.nonce, challenge: pending.challenge, credentialId: response.id, assertionDigest: digest, ...(rule && status ? { signedBy: status.signedBy, required: rule.required } : {}) },
      });
      return { request: requestDto(this.#d.requests.get(requestId) as GrantRequestRecord, now), grant, quorum: status };
    });
  }

  deny(requestId: string, actor: string, reason?: string): GrantRequestDto {
    return this.#audited({ actor, kind: 'grant.deny', subject: requestId, details: { reason } }, () => {
      const r = this.#requestRecord(requestId);
      const now = this.#d.clock.now();
      assertPending(r, now);
      this.#d.requests.decide(requestId, 'DENIED', now, actor, reason ?? null, null);
      this.dropCeremoniesOf(requestId);
      this.#d.audit.append({ actor, kind: 'grant.deny', subject: requestId, decision: 'allow', details: { agentId: r.agentId, specHash: r.specHash, reason } });
      return requestDto(this.#d.requests.get(requestId) as GrantRequestRecord, now);
    });
  }

  /**
   * Re-verifies offline that the owner's passkey approved exactly this grant: the spec hash
   * recomputed from the stored grant, the challenge recomputed from it, the client data, and
   * the signature over authenticatorData ‖ SHA-256(clientDataJSON) with the stored public key.
   */
  async verify(grantId: string): Promise<GrantVerifyDto> {
    const grant = this.#d.grants.get(grantId);
    const specHash = sha256Canonical(grant.spec);
    const approval = this.#d.approvals.get(grantId);
    const rule = quorumFor(this.#d.quorum(), grant.spec.environment);
    const signatures = approval && rule ? await this.#signatureChecks(approval) : [];
    const result = (ok: boolean, problem: GrantVerifyProblem | null, message: string): GrantVerifyDto => ({
      grantId,
      ok,
      method: approval?.method ?? null,
      problem,
      message,
      requestId: approval?.requestId ?? null,
      specHash,
      approvedSpecHash: approval?.specHash ?? null,
      credentialId: approval?.credentialId ?? null,
      approvedAt: approval?.approvedAt ?? null,
      quorum: rule ? { required: rule.required, approvers: rule.approvers } : null,
      signatures,
    });
    if (!approval) return result(false, 'no-approval', 'No approval is on record for this grant (created directly by the operator)');
    if (approval.method === 'auto') return result(false, 'auto-approved', `Auto-approved under rule ${approval.rule ?? '?'}; no passkey signed it`);
    if (specHash !== approval.specHash) return result(false, 'spec-changed', 'The stored grant is not the spec the owner approved');
    const signed = await checkEvidence(approval, specHash, this.#d.passkeyRecords);
    if (!signed.ok || !rule) return result(signed.ok, signed.problem, signed.message);
    const counted = countedSigners(rule, signatures.filter((c) => c.ok).map((c) => c.operatorId));
    if (counted.length < rule.required) return result(false, 'quorum-not-met', `${counted.length} of the ${rule.required} approver signatures this environment needs verify (${counted.join(', ') || 'none'})`);
    return result(true, null, `Approved by ${counted.join(', ')} (${rule.required} of ${rule.approvers.length} needed), each passkey signature over exactly this grant`);
  }

  /**
   * Whether a prod grant may be enforced (DESIGN invariant 12): the owner's passkey signed exactly
   * it, or signed the spec it was later narrowed from (narrowing never needs the passkey again).
   * A grant row written behind Charon's back, or edited, has neither and is not enforced.
   */
  async passkeyApproved(grantId: string): Promise<boolean> {
    const approval = this.#d.approvals.get(grantId);
    if (!approval || approval.method !== 'passkey' || sha256Canonical(approval.spec) !== approval.specHash) return false;
    const grant = this.#d.grants.get(grantId);
    if (!isNarrowerOrEqual(grant.spec, approval.spec).ok) return false;
    if (!(await checkEvidence(approval, approval.specHash, this.#d.passkeyRecords)).ok) return false;
    // Under M of N, the quorum in force now must be met by signatures that each verify.
    const rule = quorumFor(this.#d.quorum(), grant.spec.environment);
    if (!rule) return true;
    return quorumMet(rule, (await this.#signatureChecks(approval)).filter((c) => c.ok).map((c) => c.operatorId));
  }

  /** Each approver's stored signature for the approval's request, re-verified over the approved spec. */
  async #signatureChecks(approval: ApprovalRecord): Promise<SignatureCheckDto[]> {
    const checks: SignatureCheckDto[] = [];
    for (const sig of this.#d.signatures.forRequest(approval.requestId)) {
      const check = sig.specHash === approval.specHash ? await checkEvidence(sig, approval.specHash, this.#d.passkeyRecords, sig.operatorId) : { ok: false, message: 'Signed another spec than the one approved' };
      checks.push({ operatorId: sig.operatorId, credentialId: sig.credentialId, signedAt: sig.signedAt, ok: check.ok, message: check.message });
    }
    return checks;
  }

  // --- internals --------------------------------------------------------------------------

  #item(r: GrantRequestRecord, now: number): ApprovalItemDto {
    const current = this.#d.grants.active(r.agentId);
    const specs = current.map((g) => g.spec);
    // Under M of N, once someone signed, what can still be approved is exactly their spec: the card states that one.
    const quorum = this.#quorumStatusOf(r);
    const shown = quorum?.spec ?? r.spec;
    // Computed on the grants' meaning, not on tool names (core/grant-diff.ts).
    const widenings = grantWidenings(shown, specs);
    const widened = new Set(widenings.map((w) => w.subject));
    const tools = toolsOf(shown).map((t) => ({ ...t, alreadyGranted: !widened.has(t.name) }));
    return {
      request: requestDto(r, now),
      risk: specRisk(shown),
      tools,
      diff: { added: tools.filter((t) => !t.alreadyGranted).map((t) => t.name), unchanged: tools.filter((t) => t.alreadyGranted).map((t) => t.name), currentGrantIds: current.map((g) => g.id), widenings, nothingNew: widenings.length === 0 },
      agentEnvironment: this.#d.identities.get(r.agentId)?.environment ?? null,
      // A held call is offered at the narrowest scope first (core/jit-choices.ts); expiries count from now, as the owner reads them.
      choices: r.heldCall ? jitChoices(r.heldCall, r.spec, specs, now).map((c) => ({ ...c, widenings: grantWidenings(c.spec, specs) })) : null,
      quorum,
    };
  }

  #quorumStatusOf(r: GrantRequestRecord): QuorumStatusDto | null {
    const rule = quorumFor(this.#d.quorum(), r.spec.environment);
    return rule ? this.#quorumStatus(r, rule) : null;
  }

  /** Who signed so far (approvers of the rule, over the first signature's spec) and what they signed. */
  #quorumStatus(r: GrantRequestRecord, rule: QuorumRule): QuorumStatusDto {
    const signatures = this.#d.signatures.forRequest(r.id);
    const first = signatures[0] ?? null;
    const same = signatures.filter((sig) => sig.specHash === first?.specHash);
    return { required: rule.required, approvers: rule.approvers, signedBy: countedSigners(rule, same.map((sig) => sig.operatorId)), specHash: first?.specHash ?? null, spec: first?.spec ?? null };
  }

  /**
   * Under an M-of-N rule: only a team operator named by the rule signs, once, and over exactly the
   * spec the first approver signed (a signature over another spec would count toward nothing).
   */
  #assertMaySign(r: GrantRequestRecord, specHash: string, signer: Signer): void {
    const rule = quorumFor(this.#d.quorum(), r.spec.environment);
    if (!rule) return;
    if (signer.operatorId === null || !rule.approvers.includes(signer.operatorId)) {
      throw new CharonError('ERR_FORBIDDEN', `${r.spec.environment} grants need ${rule.required} of these approvers: ${rule.approvers.join(', ')}`);
    }
    const signatures = this.#d.signatures.forRequest(r.id);
    if (signatures.some((sig) => sig.operatorId === signer.operatorId)) throw new CharonError('ERR_QUORUM_ALREADY_SIGNED', `${signer.operatorId} already signed this request`);
    const first = signatures[0];
    if (first && first.specHash !== specHash) throw new CharonError('ERR_QUORUM_SPEC_MISMATCH', `Approvers must sign exactly the spec ${first.operatorId} signed (sha256 ${first.specHash.slice(0, 12)}…)`);
  }

  /** A request that left PENDING elsewhere (withdrawn by its agent): its open approval ceremonies end. */
  dropCeremoniesOf(requestId: string): void {
    this.#pending.dropPrefix(`${requestId}:`);
  }


  #requestRecord(id: string): GrantRequestRecord {
    const r = this.#d.requests.get(id);
    if (!r) throw new CharonError('ERR_GRANT_REQUEST_NOT_FOUND', `No grant request ${id}`);
    return r;
  }

  #audited<T>(refusal: Refusal, change: () => T): T {
    return auditedChange(this.#d.tx, this.#d.audit, refusal, change);
  }
}

type Refusal = Omit<AuditEventInput, 'decision'>;

/** One open ceremony per request and signer: approvers of one request sign side by side. */
const pendingKey = (requestId: string, signer: Signer): string => `${requestId}:${signer.operatorId ?? ''}`;

function safeDigest(response: AuthenticationResponseInput): string | null {
  try {
    return assertionDigest(response);
  } catch {
    return null;
  }
}
