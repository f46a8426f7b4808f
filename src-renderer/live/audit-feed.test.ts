import { describe, expect, it } from 'vitest';
import type { AuditEventDto } from '../../src-shared/dto.js';
import { AuditFeed } from './audit-feed.js';

const record = (seq: number, kind = 'identity.register'): AuditEventDto => ({ seq, time: seq, actor: 'owner', kind, subject: `s${seq}`, decision: 'allow', details: {}, prevHash: '', hash: `h${seq}` });

function manualFeed(capacity?: number) {
  const ticks: (() => void)[] = [];
  const feed = new AuditFeed({ schedule: (flush) => ticks.push(flush), capacity });
  const flush = () => ticks.splice(0).forEach((tick) => tick());
  return { feed, flush, ticks };
}

describe('AuditFeed', () => {
  it('merges history and pushed records by sequence number, without duplicates', () => {
    const { feed, flush } = manualFeed();
    feed.add([record(5), record(6)]);
    feed.add([record(4), record(3), record(5)]);
    feed.add([record(7, 'gateway.decision')]);
    flush();
    const snapshot = feed.getSnapshot();
    expect(snapshot.events.map((e) => e.seq)).toEqual([3, 4, 5, 6, 7]);
    expect(snapshot.kinds).toEqual(['gateway.decision', 'identity.register']);
    expect([feed.firstSeq, feed.lastSeq]).toEqual([3, 7]);
  });

  it('tells listeners once per tick, however many records arrive', () => {
    const { feed, flush, ticks } = manualFeed();
    let heard = 0;
    feed.subscribe(() => heard++);
    for (let seq = 1; seq <= 1000; seq++) feed.add([record(seq)]);
    expect(ticks).toHaveLength(1);
    expect(heard).toBe(0);
    flush();
    expect(heard).toBe(1);
    expect(feed.getSnapshot()).toMatchObject({ count: 1000, version: 1 });
  });

  it('drops the oldest records past its capacity', () => {
    const { feed, flush } = manualFeed(3);
    feed.add([1, 2, 3, 4, 5].map((seq) => record(seq)));
    flush();
    expect(feed.getSnapshot().events.map((e) => e.seq)).toEqual([3, 4, 5]);
  });
});
