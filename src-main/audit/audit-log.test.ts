import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../core/clock.js';
import { openSqliteStore, type Store } from '../store/sqlite-store.js';
import { tempDir } from '../test-support/control-plane.js';
import { AuditLog } from './audit-log.js';
import { GENESIS_HASH, hashAuditRecord } from './record-hash.js';

let s: Store | undefined;
let dir: string | undefined;
afterEach(() => {
  s?.close();
  s = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

function open(): Store {
  dir = tempDir('charon-audit-');
  s = openSqliteStore(join(dir, 'charon.db'));
  return s;
}

describe('AuditLog', () => {
  it('links each record to the previous one from the genesis hash, with the hash over every other field', () => {
    const store = open();
    const clock = new ManualClock();
    const audit = new AuditLog({ repo: store.audit, tx: store, clock });
    const a = audit.append({ actor: 'operator', kind: 'k', subject: 's', decision: 'allow', details: { b: 1, a: [1, 2] } });
    clock.advance(5);
    const b = audit.append({ actor: 'operator', kind: 'k', subject: 's', decision: 'deny' });
    expect(a).toMatchObject({ seq: 1, prevHash: GENESIS_HASH });
    expect(b).toMatchObject({ seq: 2, prevHash: a.hash, time: clock.now(), details: {} });
    expect(store.audit.range(0, 10)).toEqual([a, b]);
    for (const r of [a, b]) {
      const { hash, ...body } = r;
      expect(hashAuditRecord(body)).toBe(hash);
    }
  });

  it('an audit listener never hears of a record whose savepoint rolled back (only of the records that exist)', () => {
    const store = open();
    const audit = new AuditLog({ repo: store.audit, tx: store, clock: new ManualClock() });
    const heard: number[] = [];
    audit.onAppend((r) => heard.push(r.seq));
    store.transact(() => {
      audit.append({ actor: 'a', kind: 'k', subject: 's', decision: 'allow' });
      try {
        store.transact(() => {
          audit.append({ actor: 'a', kind: 'k', subject: 's', decision: 'allow', details: { doomed: true } });
          throw new Error('refused');
        });
      } catch {
        audit.append({ actor: 'a', kind: 'k', subject: 's', decision: 'deny' });
      }
    });
    const stored = store.audit.range(0, 10);
    expect(stored.map((r) => [r.seq, r.decision])).toEqual([
      [1, 'allow'],
      [2, 'deny'],
    ]);
    expect(heard).toEqual([1, 2]);
  });
});
