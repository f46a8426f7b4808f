import { describe, expect, it } from 'vitest';
import { LIFECYCLE_STATES, type LifecycleState } from '../../src-shared/domain.js';
import { assertTransition, canTransition, isLive, needsAttestation, revokesCredentials } from './lifecycle.js';
import { codeOf } from '../test-support/error-code.js';

// DESIGN.md §4: PROVISIONED → ACTIVE ⇄ IDLE; any live state → REVOKED; REVOKED → DECOMMISSIONED (final).
const LEGAL: ReadonlySet<string> = new Set([
  'PROVISIONED→ACTIVE',
  'PROVISIONED→REVOKED',
  'ACTIVE→IDLE',
  'ACTIVE→REVOKED',
  'IDLE→ACTIVE',
  'IDLE→REVOKED',
  'REVOKED→DECOMMISSIONED',
]);

const ALL_PAIRS: [LifecycleState, LifecycleState][] = LIFECYCLE_STATES.flatMap((from) => LIFECYCLE_STATES.map((to): [LifecycleState, LifecycleState] => [from, to]));
const legalPairs = ALL_PAIRS.filter(([from, to]) => LEGAL.has(`${from}→${to}`));
const illegalPairs = ALL_PAIRS.filter(([from, to]) => !LEGAL.has(`${from}→${to}`));

describe('lifecycle state machine', () => {
  it('covers all 25 pairs: 7 legal, 18 illegal', () => {
    expect(ALL_PAIRS).toHaveLength(25);
    expect(legalPairs).toHaveLength(7);
    expect(illegalPairs).toHaveLength(18);
  });

  it.each(legalPairs)('allows %s → %s', (from, to) => {
    expect(canTransition(from, to)).toBe(true);
    expect(() => assertTransition(from, to)).not.toThrow();
  });

  it.each(illegalPairs)('refuses skipping the state machine: %s → %s is ERR_ILLEGAL_TRANSITION', (from, to) => {
    expect(canTransition(from, to)).toBe(false);
    expect(codeOf(() => assertTransition(from, to))).toBe('ERR_ILLEGAL_TRANSITION');
  });

  it('refuses resurrecting a decommissioned identity: DECOMMISSIONED is final', () => {
    for (const to of LIFECYCLE_STATES) {
      expect(canTransition('DECOMMISSIONED', to)).toBe(false);
      expect(codeOf(() => assertTransition('DECOMMISSIONED', to))).toBe('ERR_ILLEGAL_TRANSITION');
    }
  });

  it('refuses un-revoking: REVOKED leads only to DECOMMISSIONED', () => {
    expect(LIFECYCLE_STATES.filter((to) => canTransition('REVOKED', to))).toEqual(['DECOMMISSIONED']);
  });

  it('refuses self-transitions (no no-op transition that would still be audited as allowed)', () => {
    for (const s of LIFECYCLE_STATES) expect(canTransition(s, s)).toBe(false);
  });

  it('only ACTIVE needs an attestation; REVOKED and DECOMMISSIONED revoke credentials; live states are the first three', () => {
    expect(LIFECYCLE_STATES.filter(needsAttestation)).toEqual(['ACTIVE']);
    expect(LIFECYCLE_STATES.filter(revokesCredentials)).toEqual(['REVOKED', 'DECOMMISSIONED']);
    expect(LIFECYCLE_STATES.filter(isLive)).toEqual(['PROVISIONED', 'ACTIVE', 'IDLE']);
    // Every live state may be revoked; no non-live state may.
    for (const s of LIFECYCLE_STATES) expect(canTransition(s, 'REVOKED')).toBe(isLive(s));
  });
});
