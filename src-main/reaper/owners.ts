// Owners as the reaper sees them: ACTIVE unless recorded otherwise. Setting DEPARTED or
// DISABLED makes every identity of the owner an orphan at the next run; autoSuspend lets an
// anomaly suspend the owner's agents. Every change is audited with the change.
import type { OwnerDto, OwnerState } from '../../src-shared/reaper.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { Clock } from '../core/clock.js';
import type { Transactor } from '../core/ports.js';
import type { OwnerRepository } from '../core/reaper-ports.js';

export interface OwnerServiceDeps {
  readonly owners: OwnerRepository;
  readonly tx: Transactor;
  readonly audit: AuditLog;
  readonly clock: Clock;
}

export class OwnerService {
  readonly #d: OwnerServiceDeps;

  constructor(deps: OwnerServiceDeps) {
    this.#d = deps;
  }

  /** Owners with a record and owners named by identities, by id. */
  list(): OwnerDto[] {
    const counts = this.#d.owners.identityCounts();
    const records = new Map(this.#d.owners.list().map((o) => [o.id, o]));
    const ids = [...new Set([...records.keys(), ...counts.keys()])].sort();
    return ids.map((id) => {
      const r = records.get(id);
      return { id, state: r?.state ?? 'ACTIVE', autoSuspend: r?.autoSuspend ?? false, identities: counts.get(id) ?? 0, updatedAt: r?.updatedAt ?? null };
    });
  }

  set(input: { id: string; state: OwnerState; autoSuspend?: boolean; reason?: string }, actor: string): OwnerDto {
    return this.#d.tx.transact(() => {
      const before = this.#d.owners.get(input.id);
      const autoSuspend = input.autoSuspend ?? before?.autoSuspend ?? false;
      this.#d.owners.upsert({ id: input.id, state: input.state, autoSuspend, updatedAt: this.#d.clock.now() });
      this.#d.audit.append({
        actor,
        kind: 'owner.set',
        subject: input.id,
        decision: 'allow',
        details: { from: before?.state ?? 'ACTIVE', to: input.state, autoSuspend, reason: input.reason },
      });
      return this.list().find((o) => o.id === input.id) as OwnerDto;
    });
  }
}
