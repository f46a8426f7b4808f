import type { AuditVerifyDto } from '../../src-shared/dto.js';
import type { Clock } from '../core/clock.js';
import type { AuditRepository, Transactor } from '../core/ports.js';
import type { KeyRing } from '../crypto/key-ring.js';
import type { CheckpointAnchor } from './checkpoint-anchor.js';
import type { AuditCheckpointRecord } from '../core/records.js';
import { signCheckpoint, verifyCheckpoint } from './checkpoint.js';
import { auditMacValid, type AuditMacKey } from './record-mac.js';
import { ChainVerifier, type MacCheck } from './verify-chain.js';

const PAGE = 5000;

export interface CheckpointerDeps {
  readonly repo: AuditRepository;
  readonly tx: Transactor;
  readonly clock: Clock;
  readonly keyRing: KeyRing;
  readonly issuer: string;
  /** A copy of the newest checkpoint outside the database, if any. */
  readonly anchor?: CheckpointAnchor;
  /** Records from `macFrom` on are checked against their MACs before any checkpoint covers them. */
  readonly macKey?: AuditMacKey;
}

/** Why the last attempt to sign a checkpoint refused: a record Charon cannot authenticate. */
export interface CheckpointRefusal {
  readonly seq: number;
  readonly message: string;
}

/** Signs the chain head now and then, and verifies the whole chain against those signatures. */
export class Checkpointer {
  readonly #d: CheckpointerDeps;
  #running: Promise<void> | null = null;
  /** Once a signed checkpoint names it, it never changes (every later checkpoint repeats it). */
  #macFrom: number | null = null;
  #refusal: CheckpointRefusal | null = null;

  constructor(deps: CheckpointerDeps) {
    this.#d = deps;
  }

  /** Signs the current head if it moved since the last checkpoint. One at a time. */
  async checkpoint(): Promise<void> {
    this.#running ??= this.#checkpoint().finally(() => {
      this.#running = null;
    });
    return this.#running;
  }

  /** Set while the records since the last checkpoint include one Charon cannot authenticate: nothing is signed over it. */
  get refusal(): CheckpointRefusal | null {
    return this.#refusal;
  }

  async #checkpoint(): Promise<void> {
    const head = this.#d.repo.head();
    const last = this.#d.repo.latestCheckpoint();
    if (!head || (last && last.seq >= head.seq)) return;
    await this.#d.keyRing.refresh();
    let macFrom: number | undefined;
    if (this.#d.macKey) {
      const signed = await this.#signedMacFrom();
      const walk = this.#authenticateSince(last?.seq ?? Number.MIN_SAFE_INTEGER, head.seq, signed);
      if ('seq' in walk) {
        // Never sign over a record that someone without the key could have written.
        this.#refusal = walk;
        return;
      }
      // First time (a new store, or the upgrade that brought MACs): the keyed part starts at the first record with a MAC.
      macFrom = signed ?? walk.firstMac ?? head.seq + 1;
    }
    const signedCheckpoint = await signCheckpoint(this.#d.keyRing.activeKey(), { iss: this.#d.issuer, seq: head.seq, hash: head.hash, time: this.#d.clock.now(), ...(macFrom !== undefined ? { macFrom } : {}) });
    this.#d.tx.transact(() => this.#d.repo.insertCheckpoint(signedCheckpoint));
    await this.#d.anchor?.write(signedCheckpoint);
    this.#refusal = null;
  }

  /** Checks each record in (after, upTo] against its MAC, from `macFrom` on (or from the first record that has one). */
  #authenticateSince(after: number, upTo: number, macFrom: number | null): CheckpointRefusal | { firstMac: number | null } {
    const key = this.#d.macKey as AuditMacKey;
    let firstMac: number | null = null;
    for (let cursor = after; ; ) {
      const page = this.#d.repo.macsFrom(cursor, PAGE);
      for (const record of page) {
        if (record.seq > upTo) return { firstMac };
        if (firstMac === null && record.mac) firstMac = record.seq;
        const from = macFrom ?? firstMac;
        if (from !== null && record.seq >= from && !auditMacValid(key, record.hash, record.mac)) {
          return { seq: record.seq, message: `refused to sign a checkpoint: record ${record.seq} is not authenticated (its MAC is ${record.mac ? 'wrong' : 'missing'}); run \`charon audit verify\`` };
        }
      }
      if (page.length < PAGE) return { firstMac };
      cursor = (page.at(-1) as { seq: number }).seq;
    }
  }

  /** The database's checkpoints, with the anchored copy (it counts even when its row was deleted). */
  #allCheckpoints(): AuditCheckpointRecord[] {
    const checkpoints = this.#d.repo.checkpoints();
    const anchored = this.#d.anchor?.read();
    if (anchored && !checkpoints.some((c) => c.seq === anchored.seq && c.jws === anchored.jws)) {
      checkpoints.push(anchored);
      checkpoints.sort((a, b) => a.seq - b.seq);
    }
    return checkpoints;
  }

  /** `macFrom` as the newest validly signed checkpoint names it; null if none does yet. */
  async #signedMacFrom(checkpoints: readonly AuditCheckpointRecord[] = this.#allCheckpoints()): Promise<number | null> {
    if (this.#macFrom !== null) return this.#macFrom;
    for (const checkpoint of [...checkpoints].reverse()) {
      const check = await verifyCheckpoint(checkpoint, (kid) => this.#d.keyRing.publicKeyEvenIfRetired(kid));
      if (check.ok && typeof check.claims.macFrom === 'number' && Number.isSafeInteger(check.claims.macFrom)) return (this.#macFrom = check.claims.macFrom);
    }
    return null;
  }

  /** Verifies every record and checkpoint; public keys of retired keys still count here. */
  async verify(): Promise<AuditVerifyDto> {
    await this.#d.keyRing.refresh();
    const checkpoints = this.#allCheckpoints();
    const key = this.#d.macKey;
    const macs: MacCheck | null = key ? { macFrom: await this.#signedMacFrom(checkpoints), valid: (hash, mac) => auditMacValid(key, hash, mac) } : null;
    const verifier = new ChainVerifier(
      checkpoints.map((c) => c.seq),
      macs,
    );
    // Start below 1: a row forged at seq <= 0 is outside the chain yet listed, so it must be walked too.
    for (let after = Number.MIN_SAFE_INTEGER; ; ) {
      const page = this.#d.repo.rangeWithMac(after, PAGE);
      for (const record of page) verifier.push(record);
      if (page.length < PAGE) break;
      after = (page.at(-1) as { seq: number }).seq;
    }
    return verifier.finish(checkpoints, (kid) => this.#d.keyRing.publicKeyEvenIfRetired(kid));
  }
}
