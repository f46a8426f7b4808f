import { afterEach, describe, expect, it } from 'vitest';
import type { AuditRecord } from '../core/records.js';
import { openTestPlane, type TestPlane } from '../test-support/control-plane.js';
import { openSecondProcess, type Plane } from '../test-support/second-process.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** Collects what the feed emits; `until(n)` resolves once n records have arrived. */
function collect(t: TestPlane) {
  const seen: AuditRecord[] = [];
  let wake: (() => void) | null = null;
  const stop = t.plane.auditFeed.onAppend((record) => {
    seen.push(record);
    wake?.();
  });
  cleanups.push(async () => stop());
  const until = async (n: number): Promise<AuditRecord[]> => {
    while (seen.length < n) await new Promise<void>((resolve) => (wake = resolve));
    return seen;
  };
  return { seen, until };
}

describe('the live audit feed', () => {
  it("shows this process's records and another writer's (the CLI, another replica), each once, in chain order", async () => {
    const t = await openTestPlane();
    cleanups.push(() => t.close());
    const other: Plane = await openSecondProcess(t.dataDir, t.clock);
    cleanups.push(() => other.close());
    const feed = collect(t);
    await t.plane.handlers['identities.register']({ id: 'here', owner: 'alice', environment: 'dev', selectors: [], scopes: [] });
    await other.handlers['identities.register']({ id: 'there', owner: 'alice', environment: 'dev', selectors: [], scopes: [] });
    await t.plane.handlers['identities.register']({ id: 'here-again', owner: 'alice', environment: 'dev', selectors: [], scopes: [] });
    const records = await feed.until(3);
    const subjects = records.map((r) => r.subject);
    expect(subjects.filter((s) => s.endsWith('/here'))).toHaveLength(1);
    expect(subjects.filter((s) => s.endsWith('/there'))).toHaveLength(1);
    expect(subjects.filter((s) => s.endsWith('/here-again'))).toHaveLength(1);
    const seqs = records.map((r) => r.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(seqs.length);
    // Each record as the chain holds it.
    const stored = t.plane.store.audit.range(seqs[0] as number - 1, records.length);
    expect(stored.map((r) => r.hash)).toEqual(records.map((r) => r.hash));
  });

  it('nothing from before the subscription', async () => {
    const t = await openTestPlane();
    cleanups.push(() => t.close());
    await t.plane.handlers['identities.register']({ id: 'before', owner: 'alice', environment: 'dev', selectors: [], scopes: [] });
    const feed = collect(t);
    await t.plane.handlers['identities.register']({ id: 'during', owner: 'alice', environment: 'dev', selectors: [], scopes: [] });
    expect((await feed.until(1)).map((r) => r.subject)).toEqual([expect.stringMatching(/\/during$/)]);
  });
});
