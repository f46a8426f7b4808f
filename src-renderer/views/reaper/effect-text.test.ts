import { describe, expect, it } from 'vitest';
import { effectText } from './effect-text.js';

describe('effectText', () => {
  it('says what each kind of action will do', () => {
    expect(effectText({ type: 'transition', agentId: 'a', from: 'ACTIVE', to: 'IDLE' })).toBe('a: ACTIVE → IDLE');
    expect(effectText({ type: 'orphan', agentId: 'a', from: 'ACTIVE', grantIds: [], cascade: ['b'] })).toBe('Revoke and decommission a and its delegates b');
    expect(effectText({ type: 'flag', agentId: 'a', anomaly: 'denied-burst', suspend: true })).toContain('suspend it');
    expect(effectText({ type: 'cleanup', target: 'join-tokens', cutoff: 0, count: 3 })).toBe('Delete 3 expired join-tokens');
  });
});
