import { CharonError, isStoreFault } from '../core/errors.js';
import type { Transactor } from '../core/ports.js';
import type { AuditEventInput } from '../core/records.js';
import type { AuditLog } from './audit-log.js';

/**
 * Runs a change in one transaction. If it is refused with a typed error, the change rolls
 * back and the refusal itself is recorded, so denied attempts are in the chain too.
 */
export function auditedChange<T>(tx: Transactor, audit: AuditLog, refusal: Omit<AuditEventInput, 'decision'>, change: () => T): T {
  try {
    return tx.transact(change);
  } catch (error) {
    if (error instanceof CharonError && !isStoreFault(error)) {
      audit.append({ ...refusal, decision: 'deny', details: { ...refusal.details, code: error.code, message: error.message } });
    }
    throw error;
  }
}
