import type { LifecycleState } from '../../../src-shared/domain.js';

// Which transition buttons to offer (DESIGN.md §4). The control plane is the authority and
// refuses anything illegal with ERR_ILLEGAL_TRANSITION; this only avoids offering dead ends.
// REVOKED is reached through Revoke and Kill, which have their own buttons. A PROVISIONED agent
// becomes ACTIVE by attesting (activation needs a fresh attestation): it is offered a join token.
const offered: Readonly<Record<LifecycleState, readonly LifecycleState[]>> = {
  PROVISIONED: [],
  ACTIVE: ['IDLE'],
  IDLE: ['ACTIVE'],
  REVOKED: ['DECOMMISSIONED'],
  DECOMMISSIONED: [],
};

export function offeredTransitions(state: LifecycleState): readonly LifecycleState[] {
  return offered[state];
}

export function isLive(state: LifecycleState): boolean {
  return state === 'PROVISIONED' || state === 'ACTIVE' || state === 'IDLE';
}

export const transitionLabel: Readonly<Record<LifecycleState, string>> = {
  PROVISIONED: 'Reprovision',
  ACTIVE: 'Activate',
  IDLE: 'Mark idle',
  REVOKED: 'Revoke',
  DECOMMISSIONED: 'Decommission',
};
