import type { Clock } from '../core/clock.js';
import type { AuditRepository, Transactor } from '../core/ports.js';
import type { AuditEventInput, AuditRecord } from '../core/records.js';
import { GENESIS_HASH, hashAuditRecord } from './record-hash.js';
import { macAuditRecord, type AuditMacKey } from './record-mac.js';

export interface AuditLogDeps {
  readonly repo: AuditRepository;
  readonly tx: Transactor;
  readonly clock: Clock;
  /** Every record gets a MAC with it (record-mac.ts); absent only in tests of the chain alone. */
  readonly macKey?: AuditMacKey;
}

type Listener = (record: AuditRecord) => void;

/**
 * The hash-chained log. `append` joins the caller's transaction, so a change and the record
 * of it commit together or not at all. Listeners hear of a record only once it has committed.
 */
export class AuditLog {
  readonly #deps: AuditLogDeps;
  readonly #listeners = new Set<Listener>();

  constructor(deps: AuditLogDeps) {
    this.#deps = deps;
  }

  append(event: AuditEventInput): AuditRecord {
    return this.#deps.tx.transact(() => {
      const head = this.#deps.repo.head();
      const unhashed = {
        seq: (head?.seq ?? 0) + 1,
        time: this.#deps.clock.now(),
        actor: event.actor,
        kind: event.kind,
        subject: event.subject,
        decision: event.decision,
        details: event.details ?? {},
        prevHash: head?.hash ?? GENESIS_HASH,
      };
      const record: AuditRecord = { ...unhashed, hash: hashAuditRecord(unhashed) };
      this.#deps.repo.insert(record, this.#deps.macKey ? macAuditRecord(this.#deps.macKey, record.hash) : null);
      if (this.#listeners.size > 0) this.#deps.tx.afterCommit(() => this.#notify(record));
      return record;
    });
  }

  #notify(record: AuditRecord): void {
    for (const listener of this.#listeners) listener(record);
  }

  onAppend(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
