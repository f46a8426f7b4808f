// Open passkey ceremonies in the store rather than one process's memory, so a team server's
// replicas share them: begun on one, answered on another. Still single use (taking deletes, and
// of two takers one gets it) and short-lived (swept as they expire, and refused after).
import type { CeremonyRepository } from '../core/approval-records.js';
import type { Clock } from '../core/clock.js';
import { CharonError } from '../core/errors.js';

export class Ceremonies<T extends { readonly expiresAt: number }> {
  constructor(
    private readonly repo: CeremonyRepository,
    /** Keeps one service's ceremonies apart from another's. */
    private readonly namespace: string,
    private readonly clock: Clock,
    private readonly max: number,
  ) {}

  /** Opens (or replaces) the ceremony `id`; refused when too many are open. */
  open(id: string, ceremony: T): void {
    // Counted per service: sign-ins anyone may begin cannot crowd out the owner's approvals.
    if (this.repo.sweep(this.clock.now(), `${this.namespace}:`) >= this.max) throw new CharonError('ERR_RATE_LIMITED', 'Too many open passkey ceremonies; finish or wait for one to expire');
    this.repo.put(`${this.namespace}:${id}`, JSON.stringify(ceremony), ceremony.expiresAt);
  }

  /** The ceremony, removed: null if unknown or already taken (expiry is the caller's to judge, with its own code). */
  take(id: string): T | null {
    const row = this.repo.take(`${this.namespace}:${id}`);
    return row ? (JSON.parse(row.payload) as T) : null;
  }

  dropPrefix(prefix: string): void {
    this.repo.dropPrefix(`${this.namespace}:${prefix}`);
  }
}
