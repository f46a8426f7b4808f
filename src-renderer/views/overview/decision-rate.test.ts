import { describe, expect, it } from 'vitest';
import type { AuditEventDto } from '../../../src-shared/dto.js';
import { barSegments, decisionsPerMinute } from './decision-rate.js';

const at = (seq: number, time: number, decision: AuditEventDto['decision'], kind = 'gateway.decision'): AuditEventDto => ({ seq, time, actor: 'a', kind, subject: 's', decision, details: {}, prevHash: '', hash: '' });

describe('decisionsPerMinute', () => {
  it('counts allowed and denied gateway decisions per minute, newest minute last', () => {
    const now = 10 * 60_000 + 30_000;
    const events = [at(1, 0, 'allow'), at(2, 9 * 60_000 + 1, 'deny'), at(3, 10 * 60_000, 'allow'), at(4, 10 * 60_000 + 5, 'allow', 'identity.register'), at(5, 10 * 60_000 + 9, 'deny')];
    const buckets = decisionsPerMinute(events, events.length, now, 3);
    expect(buckets.map((b) => [b.allowed, b.denied])).toEqual([
      [0, 0],
      [0, 1],
      [1, 1],
    ]);
  });

  it('draws a minute of denials as denials, not as allowed calls (0 allowed, 2 denied is a full red bar)', () => {
    expect(barSegments({ start: 0, allowed: 0, denied: 2 }, 2)).toEqual({ allowedPct: 0, deniedPct: 100 });
    expect(barSegments({ start: 0, allowed: 3, denied: 1 }, 8)).toEqual({ allowedPct: 37.5, deniedPct: 12.5 });
    expect(barSegments({ start: 0, allowed: 0, denied: 0 }, 0)).toEqual({ allowedPct: 0, deniedPct: 0 });
  });
});
