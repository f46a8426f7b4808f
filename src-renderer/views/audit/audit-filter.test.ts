import { describe, expect, it } from 'vitest';
import type { AuditEventDto } from '../../../src-shared/dto.js';
import { filterFeed, NO_FILTER } from './audit-filter.js';

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
    expect(filterFeed(events, 3, { agent: 'builder', kind: 'identity.register', decision: 'deny' })).toEqual([]);
  });

  it('looks only at the first `count` records (the snapshot it was given)', () => {
    expect(filterFeed(events, 2, NO_FILTER)).toEqual([1, 0]);
  });
});
