// Team mode's operators: added (with a one-time invite) from the server or by an admin; each
// enrols a passkey for the remote console's relying party with that invite, then signs in with
// it. A session is a random token the browser keeps in a cookie; the store keeps its hash only,
// so every replica recognises it and a copy of the database signs no one in. Ceremonies are single
// use and short-lived, in the store, so a sign-in begun on one replica completes on another.
import { createHash, randomBytes } from 'node:crypto';
import type { AuthenticationResponseInput, RegistrationResponseInput } from '../../src-shared/approvals.js';
import type { ConsoleCeremonyDto, InviteDto, OperatorDto } from '../../src-shared/team.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { CeremonyRepository, PasskeyRepository } from '../core/approval-records.js';
import { Ceremonies } from './ceremonies.js';
import type { Clock } from '../core/clock.js';
import { CharonError } from '../core/errors.js';
import type { OperatorRecord, OperatorRepository, OperatorRole } from '../core/operator-records.js';
import type { Transactor } from '../core/ports.js';
import { CHALLENGE_TTL_MS, newChallenge, type RelyingParty } from './passkeys.js';
import { authenticationOptions, registrationOptions, verifyAssertion, verifyRegistration } from './webauthn.js';

const INVITE_TTL_MS = 7 * 24 * 3600 * 1000;
/** A console session lasts a working day; signing in again takes one touch of the passkey. */
export const SESSION_TTL_MS = 12 * 3600 * 1000;
const MAX_OPEN_CEREMONIES = 256;

export interface OperatorServiceDeps {
  readonly operators: OperatorRepository;
  readonly passkeys: PasskeyRepository;
  readonly tx: Transactor;
  readonly audit: AuditLog;
  readonly clock: Clock;
  readonly ceremonies: CeremonyRepository;
  /** The remote console's enrolment address for an invite code, when one is configured. */
  readonly inviteUrl: (code: string) => string | null;
}

interface Ceremony {
  readonly kind: 'enrol' | 'sign-in';
  readonly challenge: string;
  /** The invite's hash (enrolment only). */
  readonly invite: string | null;
  readonly expiresAt: number;
}

/** A signed-in operator, as the console's handlers see them. */
export interface SignedIn {
  readonly operator: OperatorRecord;
  readonly sessionHash: string;
  readonly expiresAt: number;
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');
export const operatorActor = (id: string): string => `operator:${id}`;

export class OperatorService {
  readonly #d: OperatorServiceDeps;
  readonly #ceremonies: Ceremonies<Ceremony>;

  constructor(deps: OperatorServiceDeps) {
    this.#d = deps;
    this.#ceremonies = new Ceremonies(deps.ceremonies, 'console', deps.clock, MAX_OPEN_CEREMONIES);
  }

  list(): OperatorDto[] {
    return this.#d.operators.list().map((o) => this.#dto(o));
  }

  /** Adds the operator if new (role `owner` unless said), and opens a one-time enrolment invite for them. */
  invite(id: string, role: OperatorRole | undefined, actor: string): InviteDto {
    const code = `inv_${randomBytes(32).toString('base64url')}`;
    const now = this.#d.clock.now();
    return this.#d.tx.transact(() => {
      let operator = this.#d.operators.get(id);
      if (operator && operator.removedAt !== null) throw new CharonError('ERR_OPERATOR_NOT_FOUND', `Operator ${id} was removed`);
      if (operator && role && operator.role !== role) throw new CharonError('ERR_OPERATOR_EXISTS', `${id} is already an operator, as ${operator.role}`);
      if (!operator) {
        operator = { id, role: role ?? 'owner', userHandle: randomBytes(16).toString('base64url'), createdAt: now, removedAt: null };
        this.#d.operators.insert(operator);
        this.#d.audit.append({ actor, kind: 'operator.add', subject: id, decision: 'allow', details: { role: operator.role } });
      }
      const expiresAt = now + INVITE_TTL_MS;
      this.#d.operators.insertInvite({ codeHash: sha256(code), operatorId: id, createdAt: now, expiresAt, usedAt: null });
      this.#d.audit.append({ actor, kind: 'operator.invite', subject: id, decision: 'allow', details: { expiresAt } });
      return { operator: this.#dto(operator), code, expiresAt, url: this.#d.inviteUrl(code) };
    });
  }

  /** Removes an operator: their sessions end at once, their passkeys sign nothing more (past signatures still verify). */
  remove(id: string, actor: string): OperatorDto {
    return this.#d.tx.transact(() => {
      const operator = this.#d.operators.get(id);
      if (!operator || operator.removedAt !== null) throw new CharonError('ERR_OPERATOR_NOT_FOUND', `No operator ${id}`);
      const now = this.#d.clock.now();
      this.#d.operators.markRemoved(id, now);
      this.#d.operators.endSessionsOf(id, now);
      for (const passkey of this.#d.passkeys.listActive(id)) this.#d.passkeys.markRemoved(passkey.id, now);
      this.#d.audit.append({ actor, kind: 'operator.remove', subject: id, decision: 'allow', details: {} });
      return this.#dto(this.#d.operators.get(id) as OperatorRecord);
    });
  }

  /** Registration options for the invited operator, under the console's relying party. */
  async enrolBegin(code: string, rp: RelyingParty): Promise<ConsoleCeremonyDto> {
    const operator = this.#inviteHolder(code, { actor: 'console', kind: 'operator.enrol', subject: 'invite', details: { phase: 'begin' } });
    const challenge = newChallenge();
    const expiresAt = this.#d.clock.now() + CHALLENGE_TTL_MS;
    const ceremonyId = this.#open({ kind: 'enrol', challenge, invite: sha256(code), expiresAt });
    const options = await registrationOptions(challenge, Buffer.from(operator.userHandle, 'base64url'), this.#d.passkeys.listActive(operator.id), rp.id, { name: operator.id, displayName: `${operator.id} (Charon ${operator.role})` });
    return { ceremonyId, expiresAt, options };
  }

  /** Spends the invite and records the passkey as the operator's. */
  async enrolComplete(code: string, ceremonyId: string, registration: RegistrationResponseInput, label: string | undefined, rp: RelyingParty): Promise<OperatorDto> {
    const refusal = { actor: 'console', kind: 'operator.enrol', subject: 'invite', details: { phase: 'complete' } };
    return this.#refusing(refusal, async () => {
      const ceremony = this.#take(ceremonyId, 'enrol');
      if (ceremony.invite !== sha256(code)) throw new CharonError('ERR_CHALLENGE_INVALID', 'The ceremony was opened for another invite');
      const operator = this.#inviteHolder(code);
      const verified = await verifyRegistration(registration, ceremony.challenge, rp.origins, rp.id);
      const now = this.#d.clock.now();
      return this.#d.tx.transact(() => {
        // Compare-and-set: of two enrolments racing on one invite, one wins.
        if (!this.#d.operators.useInvite(sha256(code), now)) throw new CharonError('ERR_INVITE_INVALID', 'The invite was used or expired meanwhile');
        if (this.#d.passkeys.get(verified.id)) throw new CharonError('ERR_INVALID_INPUT', 'This passkey is already on record');
        this.#d.passkeys.insert({ id: verified.id, publicKey: verified.publicKey, counter: verified.counter, transports: verified.transports, label: label ?? `${operator.id}'s passkey`, createdAt: now, lastUsedAt: null, removedAt: null, operatorId: operator.id });
        this.#d.audit.append({ actor: operatorActor(operator.id), kind: 'operator.enrol', subject: operator.id, decision: 'allow', details: { passkeyId: verified.id, rpId: rp.id, transports: verified.transports } });
        return this.#dto(operator);
      });
    });
  }

  /** Authentication options any operator's passkey on this relying party may answer (discoverable credentials). */
  async signInBegin(rp: RelyingParty): Promise<ConsoleCeremonyDto> {
    const challenge = newChallenge();
    const expiresAt = this.#d.clock.now() + CHALLENGE_TTL_MS;
    const ceremonyId = this.#open({ kind: 'sign-in', challenge, invite: null, expiresAt });
    return { ceremonyId, expiresAt, options: await authenticationOptions(challenge, [], rp.id) };
  }

  /** Verifies the assertion and opens a session; returns the token (for the cookie, never stored). */
  async signInComplete(ceremonyId: string, assertion: AuthenticationResponseInput, rp: RelyingParty): Promise<{ token: string; session: SignedIn }> {
    const refusal = { actor: 'console', kind: 'operator.sign-in', subject: assertion.id.slice(0, 64), details: {} };
    return this.#refusing(refusal, async () => {
      const ceremony = this.#take(ceremonyId, 'sign-in');
      const passkey = this.#d.passkeys.get(assertion.id);
      if (!passkey || passkey.removedAt !== null || passkey.operatorId === null) throw new CharonError('ERR_PASSKEY_REQUIRED', 'No operator has enrolled this passkey');
      const operator = this.#d.operators.get(passkey.operatorId);
      if (!operator || operator.removedAt !== null) throw new CharonError('ERR_OPERATOR_NOT_FOUND', 'The operator of this passkey was removed');
      const { newCounter } = await verifyAssertion(assertion, passkey, ceremony.challenge, rp.origins, rp.id);
      const token = randomBytes(32).toString('base64url');
      const now = this.#d.clock.now();
      const session: SignedIn = { operator, sessionHash: sha256(token), expiresAt: now + SESSION_TTL_MS };
      this.#d.tx.transact(() => {
        if (!this.#d.passkeys.advanceCounter(passkey.id, passkey.counter, newCounter, now)) throw new CharonError('ERR_ASSERTION_INVALID', 'The passkey was used concurrently; its counter moved');
        this.#d.operators.insertSession({ tokenHash: session.sessionHash, operatorId: operator.id, passkeyId: passkey.id, createdAt: now, expiresAt: session.expiresAt, endedAt: null });
        this.#d.audit.append({ actor: operatorActor(operator.id), kind: 'operator.sign-in', subject: operator.id, decision: 'allow', details: { passkeyId: passkey.id, rpId: rp.id, expiresAt: session.expiresAt } });
      });
      return { token, session };
    });
  }

  /** The operator a session token belongs to, if it is open, unexpired and the operator still exists. */
  session(token: string): SignedIn | null {
    const hash = sha256(token);
    const session = this.#d.operators.getSession(hash);
    if (!session || session.endedAt !== null || session.expiresAt <= this.#d.clock.now()) return null;
    const operator = this.#d.operators.get(session.operatorId);
    if (!operator || operator.removedAt !== null) return null;
    return { operator, sessionHash: hash, expiresAt: session.expiresAt };
  }

  signOut(session: SignedIn): void {
    this.#d.tx.transact(() => {
      this.#d.operators.endSession(session.sessionHash, this.#d.clock.now());
      this.#d.audit.append({ actor: operatorActor(session.operator.id), kind: 'operator.sign-out', subject: session.operator.id, decision: 'allow', details: {} });
    });
  }

  #inviteHolder(code: string, refusal?: { actor: string; kind: string; subject: string; details: Record<string, unknown> }): OperatorRecord {
    const invite = this.#d.operators.getInvite(sha256(code));
    const operator = invite ? this.#d.operators.get(invite.operatorId) : null;
    if (!invite || invite.usedAt !== null || invite.expiresAt <= this.#d.clock.now() || !operator || operator.removedAt !== null) {
      const error = new CharonError('ERR_INVITE_INVALID', 'This invite is unknown, used or expired: ask an admin for a new one');
      if (refusal) this.#deny(error, refusal);
      throw error;
    }
    return operator;
  }

  async #refusing<T>(refusal: { actor: string; kind: string; subject: string; details: Record<string, unknown> }, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      this.#deny(error, refusal);
      throw error;
    }
  }

  #deny(error: unknown, refusal: { actor: string; kind: string; subject: string; details: Record<string, unknown> }): void {
    if (!(error instanceof CharonError) || error.code === 'ERR_STORE_BUSY' || (error as { audited?: boolean }).audited) return;
    (error as { audited?: boolean }).audited = true;
    this.#d.audit.append({ ...refusal, decision: 'deny', details: { ...refusal.details, code: error.code, message: error.message } });
  }

  #open(ceremony: Ceremony): string {
    const id = `cer_${randomBytes(16).toString('base64url')}`;
    this.#ceremonies.open(id, ceremony);
    return id;
  }

  /** Single use: a ceremony is gone once taken, whatever the outcome. */
  #take(id: string, kind: Ceremony['kind']): Ceremony {
    const ceremony = this.#ceremonies.take(id);
    if (!ceremony || ceremony.kind !== kind) throw new CharonError('ERR_CHALLENGE_INVALID', 'Unknown or already used passkey challenge');
    if (ceremony.expiresAt <= this.#d.clock.now()) throw new CharonError('ERR_CHALLENGE_EXPIRED', 'The passkey challenge expired; start again');
    return ceremony;
  }

  #dto(o: OperatorRecord): OperatorDto {
    return { id: o.id, role: o.role, createdAt: o.createdAt, removedAt: o.removedAt, passkeys: this.#d.passkeys.listActive(o.id).length };
  }
}
