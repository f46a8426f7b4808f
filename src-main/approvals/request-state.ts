// What the agent's and the owner's side of a grant request share: its state as of now, its DTO,
// the grants port, and the one-transaction change whose typed refusal is itself recorded.
import type { GrantRequestDto, GrantRequestState } from '../../src-shared/approvals.js';
import type { GrantSpec } from '../../src-shared/grant.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { GrantRequestRecord } from '../core/approval-records.js';
import { CharonError } from '../core/errors.js';
import type { Transactor } from '../core/ports.js';

/** The grants feature, as approvals needs it (injected by app: approvals does not import grants). */
export interface GrantPort {
  create(spec: GrantSpec, actor: string): { id: string; specHash: string };
  get(id: string): { id: string; spec: GrantSpec; specHash: string };
  active(agentId: string): { id: string; spec: GrantSpec }[];
}

export type Refusal = { actor: string; kind: string; subject: string; details: Record<string, unknown> };

/** As stored, with the state a request has reached by now (a PENDING one past its expiry reads EXPIRED). */
export const requestDto = (r: GrantRequestRecord, now: number): GrantRequestDto => ({ ...r, state: effectiveRequestState(r, now) });

export function effectiveRequestState(r: GrantRequestRecord, now: number): GrantRequestState {
  return r.state === 'PENDING' && r.expiresAt <= now ? 'EXPIRED' : r.state;
}

export function assertPending(r: GrantRequestRecord, now: number): void {
  const state = effectiveRequestState(r, now);
  if (state === 'EXPIRED') throw new CharonError('ERR_GRANT_REQUEST_EXPIRED', `Grant request ${r.id} expired at ${new Date(r.expiresAt).toISOString()}`);
  if (state !== 'PENDING') throw new CharonError('ERR_GRANT_REQUEST_NOT_PENDING', `Grant request ${r.id} is ${state}`);
}

/** One transaction; a typed refusal rolls it back and is itself recorded (a busy store is not a refusal). */
export function audited<T>(tx: Transactor, audit: AuditLog, refusal: Refusal, change: () => T): T {
  try {
    return tx.transact(change);
  } catch (error) {
    recordRefusal(audit, error, refusal);
    throw error;
  }
}

/** Records a typed refusal (a busy store is not one). */
export function recordRefusal(audit: AuditLog, error: unknown, refusal: Refusal): void {
  if (error instanceof CharonError && error.code !== 'ERR_STORE_BUSY') {
    audit.append({ ...refusal, decision: 'deny', details: { ...refusal.details, code: error.code, message: error.message } });
  }
}
