import type { Clock } from '../core/clock.js';
import { CharonError } from '../core/errors.js';
import type { SigningKeyRepository, Transactor } from '../core/ports.js';
import type { SigningKeyRecord } from '../core/records.js';
import { generateSigningKey, importPublicKey, inBundle, loadSigningKey, type JoseKey, type LoadedSigningKey } from './signing-key.js';

export interface KeyRingDeps {
  readonly keys: SigningKeyRepository;
  readonly tx: Transactor;
  readonly clock: Clock;
  /** Master key for unsealing private keys; null where only verification is needed. */
  readonly masterKey: Uint8Array | null;
  /** Changes when another process commits; the ring reloads then (e.g. a rotation by the CLI). */
  readonly dataVersion: () => number;
}

/**
 * The signing keys of this trust domain, cached in memory. Verification keys are the ones in
 * the bundle; the single ACTIVE key signs.
 */
export class KeyRing {
  readonly #deps: KeyRingDeps;
  #records: SigningKeyRecord[] = [];
  #verifiers = new Map<string, JoseKey>();
  #active: LoadedSigningKey | null = null;
  #loadedVersion = -1;

  constructor(deps: KeyRingDeps) {
    this.#deps = deps;
  }

  /** Loads keys, creating the first one if the store has none. */
  async init(): Promise<void> {
    await this.reload();
    if (!this.#records.some((k) => k.state === 'ACTIVE') && this.#deps.masterKey) {
      const record = await generateSigningKey(this.#deps.masterKey, this.#deps.clock.now());
      this.#deps.tx.transact(() => {
        // Another process may have created one meanwhile: keep theirs.
        if (!this.#deps.keys.list().some((k) => k.state === 'ACTIVE')) this.#deps.keys.insert(record);
      });
      await this.reload();
    }
  }

  async reload(): Promise<void> {
    this.#loadedVersion = this.#deps.dataVersion();
    const records = this.#deps.keys.list();
    const verifiers = new Map<string, JoseKey>();
    for (const record of records) verifiers.set(record.kid, this.#verifiers.get(record.kid) ?? (await importPublicKey(record)));
    const activeRecord = records.find((k) => k.state === 'ACTIVE') ?? null;
    let active = this.#active;
    if (!activeRecord) active = null;
    else if (active?.record.kid !== activeRecord.kid && this.#deps.masterKey) active = await loadSigningKey(this.#deps.masterKey, activeRecord);
    this.#records = records;
    this.#verifiers = verifiers;
    this.#active = active;
  }

  /** Reloads if another connection wrote since the last load. */
  async refresh(): Promise<void> {
    if (this.#deps.dataVersion() !== this.#loadedVersion) await this.reload();
  }

  /** Synchronous, for the hot verify path: whether a reload is due. */
  get stale(): boolean {
    return this.#deps.dataVersion() !== this.#loadedVersion;
  }

  activeKey(): LoadedSigningKey {
    if (!this.#active) {
      throw new CharonError('ERR_MASTER_KEY_LOCKED', this.#deps.masterKey ? 'No active signing key' : 'Signing keys are locked: no master key loaded');
    }
    return this.#active;
  }

  /** The public key for `kid`, only while that key is in the trust bundle. */
  verificationKey(kid: string): JoseKey | null {
    const record = this.#records.find((k) => k.kid === kid);
    if (!record || !inBundle(record, this.#deps.clock.now())) return null;
    return this.#verifiers.get(kid) ?? null;
  }

  /** For audit checkpoints: a retired key's public half still proves what it signed. */
  publicKeyEvenIfRetired(kid: string): JoseKey | null {
    return this.#verifiers.get(kid) ?? null;
  }

  records(): readonly SigningKeyRecord[] {
    return this.#records;
  }

  /** A new key for the ring (not yet stored). */
  async newKey(): Promise<SigningKeyRecord> {
    if (!this.#deps.masterKey) throw new CharonError('ERR_MASTER_KEY_LOCKED', 'Signing keys are locked: no master key loaded');
    return generateSigningKey(this.#deps.masterKey, this.#deps.clock.now());
  }
}
