import type { AuditVerifyDto } from '../../src-shared/dto.js';
import type { Clock } from '../core/clock.js';
import type { AuditRepository, Transactor } from '../core/ports.js';
import type { KeyRing } from '../crypto/key-ring.js';
import type { CheckpointAnchor } from './checkpoint-anchor.js';
import { signCheckpoint } from './checkpoint.js';
import { ChainVerifier } from './verify-chain.js';

const PAGE = 5000;

export interface CheckpointerDeps {
  readonly repo: AuditRepository;
  readonly tx: Transactor;
  readonly clock: Clock;
  readonly keyRing: KeyRing;
  readonly issuer: string;
  /** A copy of the newest checkpoint outside the database, if any. */
  readonly anchor?: CheckpointAnchor;
}

/** Signs the chain head now and then, and verifies the whole chain against those signatures. */
export class Checkpointer {
  readonly #d: CheckpointerDeps;
  #running: Promise<void> | null = null;

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

  async #checkpoint(): Promise<void> {
    const head = this.#d.repo.head();
    const last = this.#d.repo.latestCheckpoint();
    if (!head || (last && last.seq >= head.seq)) return;
    await this.#d.keyRing.refresh();
    const signed = await signCheckpoint(this.#d.keyRing.activeKey(), { iss: this.#d.issuer, seq: head.seq, hash: head.hash, time: this.#d.clock.now() });
    this.#d.tx.transact(() => this.#d.repo.insertCheckpoint(signed));
    this.#d.anchor?.write(signed);
  }

  /** Verifies every record and checkpoint; public keys of retired keys still count here. */
  async verify(): Promise<AuditVerifyDto> {
    await this.#d.keyRing.refresh();
    const checkpoints = this.#d.repo.checkpoints();
    // The anchor counts even when its row was deleted from the database.
    const anchored = this.#d.anchor?.read();
    if (anchored && !checkpoints.some((c) => c.seq === anchored.seq && c.jws === anchored.jws)) {
      checkpoints.push(anchored);
      checkpoints.sort((a, b) => a.seq - b.seq);
    }
    const verifier = new ChainVerifier(checkpoints.map((c) => c.seq));
    // Start below 1: a row forged at seq <= 0 is outside the chain yet listed, so it must be walked too.
    for (let after = Number.MIN_SAFE_INTEGER; ; ) {
      const page = this.#d.repo.range(after, PAGE);
      for (const record of page) verifier.push(record);
      if (page.length < PAGE) break;
      after = (page.at(-1) as { seq: number }).seq;
    }
    return verifier.finish(checkpoints, (kid) => this.#d.keyRing.publicKeyEvenIfRetired(kid));
  }
}
