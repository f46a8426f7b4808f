// What the agent's and the owner's side of a grant request share: its state as of now, its DTO,
// the grants port.
import type { GrantRequestDto, GrantRequestState } from '../../src-shared/approvals.js';
import type { GrantSpec } from '../../src-shared/grant.js';
import type { GrantRequestRecord } from '../core/approval-records.js';
import { CharonError } from '../core/errors.js';

/** The grants feature, as approvals needs it (injected by app: approvals does not import grants). */
export interface GrantPort {
  create(spec: GrantSpec, actor: string): { id: string; specHash: string };
  get(id: string): { id: string; spec: GrantSpec; specHash: string };
  active(agentId: string): { id: string; spec: GrantSpec }[];
}

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
