import type { AuditProblem, AuditVerifyDto } from '../../src-shared/dto.js';
import type { AuditCheckpointRecord, AuditRecord } from '../core/records.js';
import type { JoseKey } from '../crypto/signing-key.js';
import { verifyCheckpoint } from './checkpoint.js';
import { GENESIS_HASH, hashAuditRecord } from './record-hash.js';

type Problem = { seq: number; problem: AuditProblem; message: string };

export interface MacCheck {
  /** From the newest signed checkpoint that names it; null: the first record with a MAC. */
  readonly macFrom: number | null;
  valid(recordHash: string, mac: string | null): boolean;
}

/**
 * Walks the chain in order and names the first record that breaks it: edited (its hash or
 * its successor's link no longer matches), deleted (a gap), reordered (a record whose own
 * hash is intact but sits out of place), or truncated (a signed checkpoint beyond the head).
 */
export class ChainVerifier {
  #expectedSeq = 1;
  #prevHash = GENESIS_HASH;
  #count = 0;
  #firstBad: Problem | null = null;
  /** Hashes kept only where a checkpoint will be compared, so memory stays flat over millions of records. */
  readonly #hashAt = new Map<number, string>();
  readonly #checkpointSeqs: ReadonlySet<number>;

  readonly #macs: MacCheck | null;
  /** The records reported missing, and the one seen in their place (they may still turn up). */
  #gap: { from: number; seen: number } | null = null;
  #macFrom: number | null;

  /** `macs`: where the MAC key is at hand (never offline), every record from `macFrom` on must carry a valid MAC. */
  constructor(checkpointSeqs: Iterable<number> = [], macs: MacCheck | null = null) {
    this.#checkpointSeqs = new Set(checkpointSeqs);
    this.#macs = macs;
    this.#macFrom = macs?.macFrom ?? null;
  }

  push(record: AuditRecord & { readonly mac?: string | null }): void {
    this.#count++;
    if (this.#firstBad) {
      // A "missing" record that turns up later was moved, not deleted (an export read in file order).
      const gap = this.#gap;
      if (gap && this.#firstBad.problem === 'deleted' && record.seq >= gap.from && record.seq < gap.seen) {
        this.#firstBad = { seq: gap.from, problem: 'reordered', message: `record ${gap.seen} appears where record ${gap.from} belongs: records are out of order` };
        this.#gap = null;
      }
      return;
    }
    const recomputed = hashAuditRecord(record);
    if (record.seq < 1) return this.#bad(record.seq, 'edited', `record ${record.seq} lies outside the chain (sequence numbers start at 1): it was inserted`);
    if (record.seq < this.#expectedSeq) return this.#bad(record.seq, 'reordered', `record ${record.seq} appears after record ${this.#expectedSeq - 1}`);
    if (recomputed !== record.hash) {
      const original = originalPosition(record);
      if (original !== null) return this.#bad(record.seq, 'reordered', `record ${original} was moved to position ${record.seq}`);
      return this.#bad(record.seq, 'edited', `record ${record.seq} does not match its hash`);
    }
    if (record.seq > this.#expectedSeq) {
      this.#gap = { from: this.#expectedSeq, seen: record.seq };
      return this.#bad(this.#expectedSeq, 'deleted', `records ${this.#expectedSeq}..${record.seq - 1} are missing`);
    }
    if (record.prevHash !== this.#prevHash) {
      // The previous record's own hash was recomputed after an edit: it is the first bad one.
      const seq = record.seq - 1;
      return this.#bad(seq, 'edited', `record ${seq} was changed (record ${record.seq} no longer links to it)`);
    }
    // Whole and in place, but was it Charon that wrote it?
    if (this.#macs) {
      // Not yet fixed by a signed checkpoint: the first record that carries a MAC starts the keyed part.
      if (this.#macFrom === null && record.mac) this.#macFrom = record.seq;
      if (this.#macFrom !== null && record.seq >= this.#macFrom && !this.#macs.valid(record.hash, record.mac ?? null)) {
        return this.#bad(record.seq, 'unauthenticated', `record ${record.seq} was not written by Charon: its MAC is ${record.mac ? 'wrong' : 'missing'} (someone without the key wrote or rewrote it)`);
      }
    }
    if (this.#checkpointSeqs.has(record.seq)) this.#hashAt.set(record.seq, record.hash);
    this.#expectedSeq = record.seq + 1;
    this.#prevHash = record.hash;
  }

  /** For streamed input: a checkpoint line follows the record it signs, so keep that record's hash. */
  rememberHeadFor(seq: number): void {
    if (!this.#firstBad && seq === this.#expectedSeq - 1) this.#hashAt.set(seq, this.#prevHash);
  }

  /** Checks signed checkpoints against the records walked so far. */
  async finish(checkpoints: readonly AuditCheckpointRecord[], keyFor: (kid: string) => JoseKey | null, options: { requireLastCheckpoint?: boolean } = {}): Promise<AuditVerifyDto> {
    const headSeq = this.#expectedSeq - 1;
    let lastCheckpointSeq: number | null = null;
    const last = checkpoints.at(-1);
    for (const checkpoint of checkpoints) {
      const check = await verifyCheckpoint(checkpoint, keyFor);
      const isLast = checkpoint === last;
      if (!check.ok) {
        // Offline, an old checkpoint may be signed by a key that has since left the bundle;
        // the last one must verify, and it covers everything before it through the chain.
        if (check.problem === 'unknown-checkpoint-key' && !isLast && options.requireLastCheckpoint) continue;
        this.#bad(checkpoint.seq, check.problem, check.message);
        break;
      }
      if (!this.#firstBad) {
        const hashAt = this.#hashAt.get(checkpoint.seq);
        if (hashAt === undefined) {
          this.#bad(headSeq + 1, 'truncated', `records after ${headSeq} are missing: a signed checkpoint covers up to ${checkpoint.seq}`);
        } else if (hashAt !== checkpoint.hash) {
          this.#bad(checkpoint.seq, 'edited', `record ${checkpoint.seq} differs from the signed checkpoint`);
        }
      }
      lastCheckpointSeq = checkpoint.seq;
    }
    if (options.requireLastCheckpoint && !this.#firstBad && (last === undefined || last.seq !== headSeq) && headSeq > 0) {
      this.#bad(headSeq, 'truncated', 'the export does not end with a signed checkpoint of its head');
    }
    return {
      ok: this.#firstBad === null,
      records: this.#count,
      checkpoints: checkpoints.length,
      lastCheckpointSeq,
      headSeq: headSeq > 0 ? headSeq : null,
      firstBad: this.#firstBad,
    };
  }

  #bad(seq: number, problem: AuditProblem, message: string): void {
    this.#firstBad ??= { seq, problem, message };
  }
}

/** A record whose content hashes correctly at a nearby position was moved, not edited. */
function originalPosition(record: AuditRecord): number | null {
  for (let delta = 1; delta <= REORDER_WINDOW; delta++) {
    for (const seq of [record.seq - delta, record.seq + delta]) {
      if (seq >= 1 && hashAuditRecord({ ...record, seq }) === record.hash) return seq;
    }
  }
  return null;
}

const REORDER_WINDOW = 64;
