import { describe, expect, it } from 'vitest';
import { effectText } from './effect-text.js';

describe('effectText', () => {
  it('says what each kind of action will do', () => {
    expect(effectText({ type: 'transition', agentId: 'a', from: 'ACTIVE', to: 'IDLE' })).toBe('a: ACTIVE → IDLE');
    expect(effectText({ type: 'orphan', agentId: 'a', from: 'ACTIVE', grantIds: [], cascade: ['b'] })).toBe('Revoke and decommission a and its delegates b');
    expect(effectText({ type: 'flag', agentId: 'a', anomaly: 'denied-burst', suspend: true })).toContain('suspend it');
    const spec = { agentId: 'a', environment: 'dev', servers: {}, envelope: {}, expiresAt: null } as const;
    expect(effectText({ type: 'narrow', grantId: 'g', agentId: 'a', removedTools: ['files__write'], changes: ['rate 600/min → 20/min (peak 5/min)'], spec })).toBe(
      'Narrow grant g of a: remove files__write; rate 600/min → 20/min (peak 5/min)',
    );
    expect(effectText({ type: 'narrow', grantId: 'g', agentId: 'a', removedTools: [], changes: ['pay__charge amount: max 1000 → 160.0000 (peak 40.0000)'], spec })).toBe(
      'Narrow grant g of a: pay__charge amount: max 1000 → 160.0000 (peak 40.0000)',
    );
    expect(effectText({ type: 'cleanup', target: 'join-tokens', cutoff: 0, count: 3 })).toBe('Delete 3 expired join-tokens');
  });
});
