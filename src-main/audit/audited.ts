import { CharonError, isStoreFault } from '../core/errors.js';
import type { Transactor } from '../core/ports.js';
import type { AuditEventInput } from '../core/records.js';
import type { AuditLog } from './audit-log.js';

/**
 * Runs a change in one transaction. If it is refused with a typed error, the change rolls
 * back and the refusal itself is recorded, so denied attempts are in the chain too.
 */
export function auditedChange<T>(tx: Transactor, audit: AuditLog, refusal: Omit<AuditEventInput, 'decision'>, change: () => T): T {
  const outcome = auditedOutcome(tx, audit, refusal, change);
  if ('refused' in outcome) throw outcome.refused;
  return outcome.value;
}

/**
 * `auditedChange` for a caller inside a transaction of its own (a group commit's item): the
 * refusal is returned, not thrown, so the enclosing savepoint keeps the refusal record (a throw
 * would roll it back with the change). Store faults still throw.
 */
export function auditedOutcome<T>(tx: Transactor, audit: AuditLog, refusal: Omit<AuditEventInput, 'decision'>, change: () => T): { value: T } | { refused: CharonError } {
  try {
    return { value: tx.transact(change) };
  } catch (error) {
    if (!(error instanceof CharonError) || isStoreFault(error)) throw error;
    recordRefusal(audit, refusal, error);
    return { refused: error };
  }
}

/** Records a typed refusal that happened outside `auditedChange` (a check before its transaction); anything else is not one. */
export function recordRefusal(audit: AuditLog, refusal: Omit<AuditEventInput, 'decision'>, error: unknown): void {
  if (!(error instanceof CharonError) || isStoreFault(error)) return;
  audit.append({ ...refusal, decision: 'deny', details: { ...refusal.details, code: error.code, message: error.message } });
}
