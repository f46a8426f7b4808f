import type { SigningKeyDto, TrustBundleDto } from '../../src-shared/dto.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { Clock } from '../core/clock.js';
import type { CredentialRepository, SigningKeyRepository, Transactor } from '../core/ports.js';
import type { SigningKeyRecord } from '../core/records.js';
import type { KeyRing } from '../crypto/key-ring.js';
import { inBundle } from '../crypto/signing-key.js';
import { accessTokenJwks, trustBundle } from '../crypto/trust-bundle.js';

export interface KeyManagementDeps {
  readonly keys: SigningKeyRepository;
  readonly credentials: CredentialRepository;
  readonly tx: Transactor;
  readonly audit: AuditLog;
  readonly clock: Clock;
  readonly keyRing: KeyRing;
  readonly rotationIntervalMs: number;
  readonly refreshHintSeconds: number;
}

/** Rotation of the signing keys and the trust bundle they make. */
export class KeyManagement {
  readonly #d: KeyManagementDeps;

  constructor(deps: KeyManagementDeps) {
    this.#d = deps;
  }

  /**
   * A new active key; the old one retires and stays in the bundle until every token it signed
   * has expired. In an emergency it leaves the bundle at once and every credential is revoked.
   */
  async rotate(actor: string, reason: string | undefined, emergency = false): Promise<{ key: SigningKeyDto; revokedCredentials: number }> {
    const fresh = await this.#d.keyRing.newKey();
    const revoked = this.#d.tx.transact(() => {
      const now = this.#d.clock.now();
      const retiring = this.#d.keys.list().filter((k) => k.state === 'ACTIVE' || (emergency && k.leavesBundleAt !== null && k.leavesBundleAt > now));
      for (const old of retiring) {
        const leavesAt = emergency ? now : Math.max(now, this.#d.credentials.latestExpiryForKey(old.kid) ?? now);
        this.#d.keys.retire(old.kid, old.retiredAt ?? now, leavesAt);
      }
      this.#d.keys.insert(fresh);
      const jtis = emergency ? this.#d.credentials.revokeAll(now, reason ?? 'emergency key rotation') : [];
      this.#d.audit.append({
        actor,
        kind: emergency ? 'keys.emergency_rotate' : 'keys.rotate',
        subject: fresh.kid,
        decision: 'allow',
        details: { retired: retiring.map((k) => k.kid), reason, revokedCredentials: jtis.length },
      });
      return jtis.length;
    });
    await this.#d.keyRing.reload();
    return { key: this.toDto(fresh), revokedCredentials: revoked };
  }

  /** Rotates when the active key is older than the rotation interval (run on a schedule). */
  async rotateIfDue(): Promise<boolean> {
    await this.#d.keyRing.refresh();
    const active = this.#d.keyRing.records().find((k) => k.state === 'ACTIVE');
    if (active && this.#d.clock.now() - active.createdAt < this.#d.rotationIntervalMs) return false;
    await this.rotate('system', 'scheduled rotation');
    return true;
  }

  list(): SigningKeyDto[] {
    return this.#d.keys.list().map((k) => this.toDto(k));
  }

  bundle(): TrustBundleDto {
    // From the store, not the ring's cache: a key another process retired must leave at once.
    return trustBundle(this.#d.keys.list(), this.#d.clock.now(), this.#d.refreshHintSeconds);
  }

  /** These keys as an authorization server's JWKS (for the access-token keys: `jwks_uri`). */
  jwks(): ReturnType<typeof accessTokenJwks> {
    return accessTokenJwks(this.#d.keys.list(), this.#d.clock.now());
  }

  toDto(k: SigningKeyRecord): SigningKeyDto {
    return { kid: k.kid, alg: k.alg, state: k.state, createdAt: k.createdAt, retiredAt: k.retiredAt, leavesBundleAt: k.leavesBundleAt, inBundle: inBundle(k, this.#d.clock.now()) };
  }
}
