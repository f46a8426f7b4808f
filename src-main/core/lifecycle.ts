import type { LifecycleState } from '../../src-shared/domain.js';
import { CharonError } from './errors.js';

// PROVISIONED → ACTIVE ⇄ IDLE; any live state → REVOKED; REVOKED → DECOMMISSIONED (final).
const transitions: Readonly<Record<LifecycleState, readonly LifecycleState[]>> = {
  PROVISIONED: ['ACTIVE', 'REVOKED'],
  ACTIVE: ['IDLE', 'REVOKED'],
  IDLE: ['ACTIVE', 'REVOKED'],
  REVOKED: ['DECOMMISSIONED'],
  DECOMMISSIONED: [],
};

export function canTransition(from: LifecycleState, to: LifecycleState): boolean {
  return transitions[from].includes(to);
}

export function assertTransition(from: LifecycleState, to: LifecycleState): void {
  if (!canTransition(from, to)) {
    throw new CharonError('ERR_ILLEGAL_TRANSITION', `Illegal lifecycle transition ${from} → ${to}`);
  }
}

/** Moving into ACTIVE needs a fresh attestation on record. */
export const needsAttestation = (to: LifecycleState): boolean => to === 'ACTIVE';

/** Entering these states revokes every live credential of the identity. */
export const revokesCredentials = (to: LifecycleState): boolean => to === 'REVOKED' || to === 'DECOMMISSIONED';

export const isLive = (state: LifecycleState): boolean => state === 'PROVISIONED' || state === 'ACTIVE' || state === 'IDLE';
