import type { AuditEventDto } from '../../src-shared/dto.js';

export interface FeedSnapshot {
  /** Oldest first. Appended to in place; `version` says when it changed. */
  readonly events: readonly AuditEventDto[];
  readonly count: number;
  readonly version: number;
  /** Kinds seen so far, sorted, for the filter. */
  readonly kinds: readonly string[];
}

export const FEED_CAPACITY = 200_000;

/**
 * The live audit feed: history pages and pushed records merged by sequence number (no
 * duplicates, no reordering), the oldest dropped past `capacity`. Listeners hear at most once
 * per `schedule` tick, so 1,000 records a second cost a handful of renders, not 1,000.
 */
export class AuditFeed {
  #events: AuditEventDto[] = [];
  #kinds = new Set<string>();
  #snapshot: FeedSnapshot = { events: this.#events, count: 0, version: 0, kinds: [] };
  #listeners = new Set<() => void>();
  #pending = false;
  readonly #schedule: (flush: () => void) => void;
  readonly #capacity: number;

  constructor(options: { schedule?: (flush: () => void) => void; capacity?: number } = {}) {
    this.#schedule = options.schedule ?? ((flush) => setTimeout(flush, 100));
    this.#capacity = options.capacity ?? FEED_CAPACITY;
  }

  /** The newest sequence number held, or null when empty. */
  get lastSeq(): number | null {
    return this.#events.at(-1)?.seq ?? null;
  }

  get firstSeq(): number | null {
    return this.#events[0]?.seq ?? null;
  }

  /** Adds records in any order; ones already held are ignored. */
  add(records: readonly AuditEventDto[]): void {
    if (records.length === 0) return;
    const last = this.lastSeq ?? 0;
    const sorted = [...records].sort((a, b) => a.seq - b.seq);
    if ((sorted[0]?.seq ?? 0) > last) {
      // The common case, pushed records: append in place.
      for (const record of sorted) this.#events.push(record);
    } else {
      const bySeq = new Map(this.#events.map((e) => [e.seq, e]));
      for (const record of sorted) if (!bySeq.has(record.seq)) bySeq.set(record.seq, record);
      this.#events = [...bySeq.values()].sort((a, b) => a.seq - b.seq);
    }
    for (const record of sorted) this.#kinds.add(record.kind);
    if (this.#events.length > this.#capacity) this.#events.splice(0, this.#events.length - this.#capacity);
    this.#changed();
  }

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  getSnapshot = (): FeedSnapshot => this.#snapshot;

  #changed(): void {
    if (this.#pending) return;
    this.#pending = true;
    this.#schedule(() => {
      this.#pending = false;
      this.#snapshot = { events: this.#events, count: this.#events.length, version: this.#snapshot.version + 1, kinds: [...this.#kinds].sort() };
      for (const listener of this.#listeners) listener();
    });
  }
}
