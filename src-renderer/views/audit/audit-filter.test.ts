import { describe, expect, it } from 'vitest';
import type { AuditEventDto } from '../../../src-shared/dto.js';
import { actorLabel, filterFeed, filterFromHash, filterToHash, NO_FILTER, reasonOf } from './audit-filter.js';

const event = (seq: number, kind: string, decision: AuditEventDto['decision'], subject: string): AuditEventDto => ({ seq, time: seq, actor: 'owner', kind, subject, decision, details: {}, prevHash: '', hash: '' });
const events = [
  event(1, 'identity.register', 'allow', 'spiffe://charon.local/agent/builder'),
  event(2, 'gateway.decision', 'deny', 'spiffe://charon.local/agent/builder'),
  event(3, 'gateway.decision', 'allow', 'spiffe://charon.local/agent/Scout'),
];

describe('filterFeed', () => {
  it('lists everything newest first without a filter', () => {
    expect(filterFeed(events, 3, NO_FILTER)).toEqual([2, 1, 0]);
  });

  it('combines agent (part of the id, any case), kind and decision', () => {
    expect(filterFeed(events, 3, { ...NO_FILTER, agent: 'scout' })).toEqual([2]);
    expect(filterFeed(events, 3, { ...NO_FILTER, kind: 'gateway.decision', decision: 'deny' })).toEqual([1]);
    expect(filterFeed(events, 3, { ...NO_FILTER, agent: 'builder', kind: 'identity.register', decision: 'deny' })).toEqual([]);
  });

  it('looks only at the first `count` records (the snapshot it was given)', () => {
    expect(filterFeed(events, 2, NO_FILTER)).toEqual([1, 0]);
  });
});

describe('audit readability', () => {
  it('filters by tool (gateway decisions only) and by time range', () => {
    const calls = [
      { ...event(1, 'gateway.decision', 'allow', 'files__read_file'), time: 1_000 },
      { ...event(2, 'gateway.decision', 'deny', 'pay__charge'), time: 58_000_000 },
      { ...event(3, 'identity.register', 'allow', 'charge-agent'), time: 60_000_000 },
    ];
    expect(filterFeed(calls, 3, { ...NO_FILTER, tool: 'charge' })).toEqual([1]);
    expect(filterFeed(calls, 3, { ...NO_FILTER, since: '1h' }, 60_000_000 + 1)).toEqual([2, 1]);
  });

  it('names actors as people read them and says why', () => {
    expect(actorLabel('spiffe://charon.local/agent/builder')).toBe('builder');
    expect(actorLabel('spiffe://charon.local/owner/alice')).toBe('owner alice');
    expect(actorLabel('oauth-client:mcpc_x')).toBe('OAuth client mcpc_x');
    expect(actorLabel('operator')).toBe('operator');
    expect(reasonOf({ ...event(1, 'gateway.decision', 'deny', 'x'), details: { message: 'Not allowed: argument "a"' } })).toBe('Not allowed: argument "a"');
    expect(reasonOf({ ...event(1, 'gateway.decision', 'allow', 'x'), details: { grantIds: ['grt_1'] } })).toBe('by grt_1');
  });

  it('keeps the filter and the selected record in the URL fragment', () => {
    const hash = filterToHash({ ...NO_FILTER, agent: 'builder', decision: 'deny', since: '1d' }, 42);
    expect(hash).toBe('#view=audit&agent=builder&decision=deny&since=1d&seq=42');
    expect(filterFromHash(hash)).toEqual({ filter: { ...NO_FILTER, agent: 'builder', decision: 'deny', since: '1d' }, seq: 42 });
    expect(filterFromHash('#view=audit&decision=maybe&since=forever&seq=-1')).toEqual({ filter: NO_FILTER, seq: null });
  });
});
