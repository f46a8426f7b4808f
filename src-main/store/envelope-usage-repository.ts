import type { EnvelopeUsageStore, Transactor } from '../core/ports.js';
import type { Db } from './database.js';

const MAX_INTEGER = 2n ** 63n - 1n;

/** Thrown inside the transaction to roll back every reservation of a batch when one does not fit. */
class DidNotFit {
  constructor(readonly index: number) {}
}

/**
 * Cumulative cap totals in `envelope_usage` (migration 2). Every gateway process sharing the
 * data dir reserves through here, so the cap holds across processes: the check and the add are
 * one conditional UPDATE under the write lock (BEGIN IMMEDIATE), never a read then a write.
 */
export function sqliteEnvelopeUsageRepository(db: Db, transactor: Transactor): EnvelopeUsageStore {
  // `total_units <= max - amount` rather than `total_units + amount <= max`: the same test, but
  // SQLite turns an overflowing integer sum into an inexact REAL, and this side cannot overflow.
  const add = db.prepare('UPDATE envelope_usage SET total_units = total_units + ? WHERE key = ? AND period_start = ? AND total_units <= ?');
  // First call of a period; the caller already checked that the amount alone fits.
  const create = db.prepare('INSERT INTO envelope_usage (key, period_start, total_units) VALUES (?, ?, ?) ON CONFLICT (key, period_start) DO NOTHING');
  const subtract = db.prepare('UPDATE envelope_usage SET total_units = max(total_units - ?, 0) WHERE key = ? AND period_start = ?');
  const used = db.prepare<[string, number], bigint>('SELECT total_units FROM envelope_usage WHERE key = ? AND period_start = ?').pluck().safeIntegers(true);
  const prune = db.prepare('DELETE FROM envelope_usage WHERE period_start < ?');

  return {
    reserve(items) {
      try {
        transactor.transact(() => {
          items.forEach((item, index) => {
            if (item.units < 0n) throw new TypeError(`negative reservation for ${item.key}`);
            // Beyond 2^63 - 1 SQLite cannot store the total anyway: clamping the max keeps
            // total + units within INTEGER, so the sum can never turn into a REAL.
            const max = item.maxUnits > MAX_INTEGER ? MAX_INTEGER : item.maxUnits;
            if (item.units > max) throw new DidNotFit(index);
            if (add.run(item.units, item.key, item.periodStart, max - item.units).changes === 1) return;
            // No row updated: either the period has no row yet, or the amount does not fit.
            if (create.run(item.key, item.periodStart, item.units).changes === 1) return;
            throw new DidNotFit(index);
          });
        });
        return { ok: true };
      } catch (error) {
        if (error instanceof DidNotFit) return { ok: false, failed: error.index };
        throw error;
      }
    },
    release(items) {
      transactor.transact(() => {
        for (const item of items) {
          if (item.units < 0n) throw new TypeError(`negative release for ${item.key}`);
          subtract.run(item.units, item.key, item.periodStart);
        }
      });
    },
    used: (key, periodStart) => used.get(key, periodStart) ?? 0n,
    pruneBefore: (periodStart) => prune.run(periodStart).changes,
  };
}
