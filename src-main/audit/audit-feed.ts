import type { AuditRepository } from '../core/ports.js';
import type { AuditRecord } from '../core/records.js';
import type { AuditLog } from './audit-log.js';

export interface AuditFeedDeps {
  readonly audit: AuditLog;
  readonly repo: AuditRepository;
  /** Changes when another connection commits (another process on the data dir, another replica). */
  readonly dataVersion: () => number;
  /** How often another writer's commits are looked for while someone listens. */
  readonly pollMs?: number;
}

const BATCH = 500;

/**
 * The live feed of audit records for the console: this process's appends and those of every
 * other writer of the store (the CLI, another replica of a team server), each once, in chain
 * order. Every record is read back from the store after its commit, so the feed is the chain.
 */
export class AuditFeed {
  readonly #d: AuditFeedDeps;
  readonly #listeners = new Set<(record: AuditRecord) => void>();
  #lastSeq = 0;
  #seenVersion = 0;
  #scheduled = false;
  #stop: (() => void) | null = null;

  constructor(deps: AuditFeedDeps) {
    this.#d = deps;
  }

  /** Same shape as AuditLog.onAppend: records from now on, after they commit. */
  onAppend(listener: (record: AuditRecord) => void): () => void {
    if (this.#listeners.size === 0) this.#start();
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
      if (this.#listeners.size === 0) this.#halt();
    };
  }

  #start(): void {
    this.#lastSeq = this.#d.repo.head()?.seq ?? 0;
    this.#seenVersion = this.#d.dataVersion();
    const local = this.#d.audit.onAppend(() => this.#schedule());
    const timer = setInterval(() => {
      const version = this.#d.dataVersion();
      if (version !== this.#seenVersion) {
        this.#seenVersion = version;
        this.#schedule();
      }
    }, this.#d.pollMs ?? 500);
    timer.unref();
    this.#stop = () => {
      local();
      clearInterval(timer);
    };
  }

  #halt(): void {
    this.#stop?.();
    this.#stop = null;
  }

  /** One read per turn of the event loop, however many records committed in it. */
  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      if (this.#stop) this.#drain();
    });
  }

  #drain(): void {
    for (let batch = this.#d.repo.range(this.#lastSeq, BATCH); batch.length > 0; batch = batch.length === BATCH ? this.#d.repo.range(this.#lastSeq, BATCH) : []) {
      for (const record of batch) {
        this.#lastSeq = record.seq;
        for (const listener of this.#listeners) listener(record);
      }
    }
  }
}
