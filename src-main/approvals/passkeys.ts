// The owner's passkeys: enrolment on first run, more added only with an assertion from an
// existing one, removal only with a fresh assertion; a step-up assertion for other sensitive
// operator actions (the emergency rotation). Challenges are generated here, single use and
// short-lived, and held in the store (approvals/ceremonies.ts) so a team server's replicas share them.
import { randomBytes } from 'node:crypto';
import type { AuthenticationResponseInput, PasskeyCeremonyDto, PasskeyDto, RegistrationResponseInput } from '../../src-shared/approvals.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { CeremonyRepository, PasskeyRecord, PasskeyRepository } from '../core/approval-records.js';
import { Ceremonies } from './ceremonies.js';
import type { Clock } from '../core/clock.js';
import { CharonError } from '../core/errors.js';
import type { MetaRepository, Transactor } from '../core/ports.js';
import { authenticationOptions, registrationOptions, RP_ID, verifyAssertion, verifyRegistration } from './webauthn.js';

export const CHALLENGE_TTL_MS = 2 * 60 * 1000;

/** A WebAuthn relying party: its ID and the origins a response may come from. */
export interface RelyingParty {
  readonly id: string;
  readonly origins: readonly string[];
}

/**
 * Who signs: the desktop owner (no operator; the console's origins and RP ID localhost) or a
 * team operator signed in to the remote console (its RP).
 */
export interface Signer {
  readonly operatorId: string | null;
  readonly rp: RelyingParty | null;
}

export const DESKTOP_SIGNER: Signer = { operatorId: null, rp: null };

/** The RP ID a signer's assertions are made for (recorded with each approval, checked again offline). */
export const rpIdOf = (signer: Signer): string => signer.rp?.id ?? RP_ID;
const MAX_OPEN_CEREMONIES = 64;

export interface PasskeyServiceDeps {
  readonly passkeys: PasskeyRepository;
  readonly meta: MetaRepository;
  readonly tx: Transactor;
  readonly audit: AuditLog;
  readonly clock: Clock;
  /** Open ceremonies, in the store: any replica answers one another began. */
  readonly ceremonies: CeremonyRepository;
  /** Origins WebAuthn responses may come from (the console's), read at each check. */
  readonly origins: () => readonly string[];
}

/** Operator actions that need a fresh assertion of their own (beside approvals and passkey changes). */
export type StepUpAction = 'keys.emergencyRotate' | 'delegation.authorize' | 'servers.launch';

interface Ceremony {
  readonly kind: 'register' | 'remove' | StepUpAction;
  readonly registrationChallenge: string | null;
  readonly authenticationChallenge: string | null;
  readonly passkeyId: string | null;
  readonly label: string;
  readonly expiresAt: number;
  /** What exactly the step-up approves (a hash of it), when the action has a subject: the assertion is good for that alone. */
  readonly binding?: string;
}

export const passkeyDto = (p: PasskeyRecord): PasskeyDto => ({ id: p.id, label: p.label, transports: p.transports, createdAt: p.createdAt, lastUsedAt: p.lastUsedAt });

export const newChallenge = (): string => randomBytes(32).toString('base64url');

export class PasskeyService {
  readonly #d: PasskeyServiceDeps;
  readonly #ceremonies: Ceremonies<Ceremony>;

  constructor(deps: PasskeyServiceDeps) {
    this.#d = deps;
    this.#ceremonies = new Ceremonies(deps.ceremonies, 'passkey', deps.clock, MAX_OPEN_CEREMONIES);
  }

  list(): PasskeyDto[] {
    return this.#d.passkeys.listActive().map(passkeyDto);
  }

  /** Whether the signer has a passkey to step up with (a team operator always has: they signed in with one). */
  hasAny(signer: Signer = DESKTOP_SIGNER): boolean {
    return this.#d.passkeys.listActive(signer.operatorId).length > 0;
  }

  /** The desktop owner's passkeys, or one team operator's. */
  active(operatorId: string | null = null): PasskeyRecord[] {
    return this.#d.passkeys.listActive(operatorId);
  }

  /** Registration options; when a passkey exists, also authentication options one of them must answer. */
  async registerBegin(label = 'Passkey'): Promise<PasskeyCeremonyDto> {
    const existing = this.#d.passkeys.listActive();
    const registrationChallenge = newChallenge();
    const authenticationChallenge = existing.length > 0 ? newChallenge() : null;
    const ceremonyId = this.#open({ kind: 'register', registrationChallenge, authenticationChallenge, passkeyId: null, label, expiresAt: this.#d.clock.now() + CHALLENGE_TTL_MS });
    return {
      ceremonyId,
      expiresAt: this.#d.clock.now() + CHALLENGE_TTL_MS,
      registration: await registrationOptions(registrationChallenge, this.#ownerHandle(), existing),
      authentication: authenticationChallenge ? await authenticationOptions(authenticationChallenge, existing) : null,
    };
  }

  async registerComplete(ceremonyId: string, registration: RegistrationResponseInput, assertion: AuthenticationResponseInput | undefined, actor: string): Promise<PasskeyDto> {
    const refusal = { actor, kind: 'passkey.register', subject: registration.id, details: {} };
    const ceremony = this.#take(ceremonyId, 'register', refusal);
    try {
      if (ceremony.authenticationChallenge !== null) {
        if (!assertion) throw new CharonError('ERR_PASSKEY_REQUIRED', 'Adding a passkey needs an assertion from an existing one');
        await this.assert(assertion, ceremony.authenticationChallenge);
      } else if (this.hasAny()) {
        throw new CharonError('ERR_PASSKEY_REQUIRED', 'A passkey was enrolled meanwhile; adding another needs an assertion from it');
      }
      const verified = await verifyRegistration(registration, ceremony.registrationChallenge as string, this.#d.origins());
      const now = this.#d.clock.now();
      const record: PasskeyRecord = { id: verified.id, publicKey: verified.publicKey, counter: verified.counter, transports: verified.transports, label: ceremony.label, createdAt: now, lastUsedAt: null, removedAt: null, operatorId: null };
      return this.#d.tx.transact(() => {
        if (this.#d.passkeys.get(record.id)) throw new CharonError('ERR_INVALID_INPUT', 'This passkey is already on record');
        this.#d.passkeys.insert(record);
        this.#d.audit.append({ actor, kind: 'passkey.register', subject: record.id, decision: 'allow', details: { label: record.label, transports: record.transports, first: ceremony.authenticationChallenge === null, authorizedBy: assertion?.id ?? null } });
        return passkeyDto(record);
      });
    } catch (error) {
      this.#auditRefusal(error, refusal);
      throw error;
    }
  }

  async removeBegin(id: string): Promise<PasskeyCeremonyDto> {
    const passkey = this.#d.passkeys.get(id);
    if (!passkey || passkey.removedAt !== null) throw new CharonError('ERR_PASSKEY_NOT_FOUND', `No passkey ${id}`);
    const challenge = newChallenge();
    const expiresAt = this.#d.clock.now() + CHALLENGE_TTL_MS;
    const ceremonyId = this.#open({ kind: 'remove', registrationChallenge: null, authenticationChallenge: challenge, passkeyId: id, label: passkey.label, expiresAt });
    return { ceremonyId, expiresAt, registration: null, authentication: await authenticationOptions(challenge, this.#d.passkeys.listActive()) };
  }

  async remove(id: string, ceremonyId: string, assertion: AuthenticationResponseInput, actor: string): Promise<{ removed: string }> {
    const refusal = { actor, kind: 'passkey.remove', subject: id, details: {} };
    const ceremony = this.#take(ceremonyId, 'remove', refusal);
    try {
      if (ceremony.passkeyId !== id) throw new CharonError('ERR_CHALLENGE_INVALID', 'The challenge was issued for removing another passkey');
      await this.assert(assertion, ceremony.authenticationChallenge as string);
      return this.#d.tx.transact(() => {
        const passkey = this.#d.passkeys.get(id);
        if (!passkey || passkey.removedAt !== null) throw new CharonError('ERR_PASSKEY_NOT_FOUND', `No passkey ${id}`);
        // With none left, enrolment would be open again to anything on the operator channel: add another first.
        if (this.#d.passkeys.listActive().length <= 1) throw new CharonError('ERR_PASSKEY_REQUIRED', 'The last passkey cannot be removed; add another one first');
        this.#d.passkeys.markRemoved(id, this.#d.clock.now());
        this.#d.audit.append({ actor, kind: 'passkey.remove', subject: id, decision: 'allow', details: { label: passkey.label, authorizedBy: assertion.id } });
        return { removed: id };
      });
    } catch (error) {
      this.#auditRefusal(error, refusal);
      throw error;
    }
  }

  /** Opens a step-up ceremony for `action`: authentication options any enrolled passkey may answer. */
  async stepUpBegin(action: StepUpAction, binding?: string, signer: Signer = DESKTOP_SIGNER): Promise<PasskeyCeremonyDto> {
    const existing = this.#d.passkeys.listActive(signer.operatorId);
    if (existing.length === 0) throw new CharonError('ERR_PASSKEY_REQUIRED', 'No passkey is enrolled');
    const challenge = newChallenge();
    const expiresAt = this.#d.clock.now() + CHALLENGE_TTL_MS;
    const ceremonyId = this.#open({ kind: action, registrationChallenge: null, authenticationChallenge: challenge, passkeyId: null, label: action, expiresAt, ...(binding ? { binding } : {}) });
    return { ceremonyId, expiresAt, registration: null, authentication: await authenticationOptions(challenge, existing, rpIdOf(signer)) };
  }

  /**
   * Checks the step-up for `action` before it runs: with no passkey enrolled there is nothing to
   * assert with (as for the first enrolment, the operator channel is the gate); with one, a fresh
   * assertion over a ceremony opened for exactly this action. Audited either way.
   */
  async stepUp(action: StepUpAction, ceremonyId: string | undefined, assertion: AuthenticationResponseInput | undefined, actor: string, binding?: string, signer: Signer = DESKTOP_SIGNER): Promise<{ authorizedBy: string | null }> {
    if (!this.hasAny(signer)) return { authorizedBy: null };
    const refusal = { actor, kind: 'passkey.step-up', subject: action, details: {} };
    try {
      if (!ceremonyId || !assertion) throw new CharonError('ERR_PASSKEY_REQUIRED', `${action} needs a fresh passkey assertion: use the console (it asks for your passkey)`);
    } catch (error) {
      this.#auditRefusal(error, refusal);
      throw error;
    }
    const ceremony = this.#take(ceremonyId, action, refusal);
    try {
      // A ceremony opened for one server (say) does not approve another.
      if ((ceremony.binding ?? null) !== (binding ?? null)) throw new CharonError('ERR_CHALLENGE_INVALID', `The passkey challenge was opened for something else than this ${action}`);
      await this.assert(assertion, ceremony.authenticationChallenge as string, signer);
    } catch (error) {
      this.#auditRefusal(error, refusal);
      throw error;
    }
    this.#d.audit.append({ actor, kind: 'passkey.step-up', subject: action, decision: 'allow', details: { authorizedBy: assertion.id } });
    return { authorizedBy: assertion.id };
  }

  /**
   * A fresh assertion from an enrolled passkey over `challenge`; the counter must move forward
   * (compare-and-set, so two uses of one assertion cannot both pass). Returns the passkey used.
   */
  async assert(response: AuthenticationResponseInput, challenge: string, signer: Signer = DESKTOP_SIGNER): Promise<{ passkey: PasskeyRecord; origin: string; newCounter: number }> {
    const passkey = this.#d.passkeys.get(response.id);
    if (!passkey || passkey.removedAt !== null) throw new CharonError('ERR_PASSKEY_REQUIRED', 'The assertion is not from an enrolled passkey');
    // A passkey answers only for whoever holds it: the desktop owner's for the desktop, an operator's for that operator.
    if (passkey.operatorId !== signer.operatorId) throw new CharonError('ERR_PASSKEY_REQUIRED', 'The assertion is not from a passkey of the signed-in operator');
    const rp = signer.rp ?? { id: RP_ID, origins: this.#d.origins() };
    const { newCounter, origin } = await verifyAssertion(response, passkey, challenge, rp.origins, rp.id);
    if (!this.#d.passkeys.advanceCounter(passkey.id, passkey.counter, newCounter, this.#d.clock.now())) {
      throw new CharonError('ERR_ASSERTION_INVALID', 'The passkey was used concurrently; its counter moved');
    }
    return { passkey, origin, newCounter };
  }

  #open(ceremony: Ceremony): string {
    const id = `cer_${randomBytes(16).toString('base64url')}`;
    this.#ceremonies.open(id, ceremony);
    return id;
  }

  /** Single use: a ceremony is gone once taken, whatever the outcome. */
  #take(id: string, kind: Ceremony['kind'], refusal: { actor: string; kind: string; subject: string; details: Record<string, unknown> }): Ceremony {
    const ceremony = this.#ceremonies.take(id);
    try {
      if (!ceremony || ceremony.kind !== kind) throw new CharonError('ERR_CHALLENGE_INVALID', 'Unknown or already used passkey challenge');
      if (ceremony.expiresAt <= this.#d.clock.now()) throw new CharonError('ERR_CHALLENGE_EXPIRED', 'The passkey challenge expired; start again');
      return ceremony;
    } catch (error) {
      this.#auditRefusal(error, refusal);
      throw error;
    }
  }

  #auditRefusal(error: unknown, refusal: { actor: string; kind: string; subject: string; details: Record<string, unknown> }): void {
    if (error instanceof CharonError && !(error as { audited?: boolean }).audited) {
      (error as { audited?: boolean }).audited = true;
      if (error.code === 'ERR_STORE_BUSY') return;
      this.#d.audit.append({ ...refusal, decision: 'deny', details: { ...refusal.details, code: error.code, message: error.message } });
    }
  }

  /** A stable random user handle for the single owner (WebAuthn user.id), kept in meta. */
  #ownerHandle(): Uint8Array {
    let handle = this.#d.meta.get('passkeys.userHandle');
    if (!handle) {
      handle = randomBytes(16).toString('base64url');
      this.#d.meta.set('passkeys.userHandle', handle);
    }
    return Buffer.from(handle, 'base64url');
  }
}
