// The periodic work both the desktop app and `serve` run: on fake timers, a checkpoint is signed
// after the configured interval (not before), and nothing more happens once stopped.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openTestPlane, type TestPlane } from '../test-support/control-plane.js';
import { startHousekeeping } from './housekeeping.js';

let t: TestPlane | undefined;
afterEach(async () => {
  vi.useRealTimers();
  await t?.close();
});

describe('housekeeping timers', () => {
  it('signs an audit checkpoint every checkpointIntervalSeconds, and stops when told', async () => {
    t = await openTestPlane({ checkpointIntervalSeconds: 30 });
    await t.activeAgent('a1');
    const checkpointed = () => t?.plane.store.audit.latestCheckpoint()?.seq ?? 0;
    const before = checkpointed();
    vi.useFakeTimers();
    const stop = startHousekeeping(t.plane, () => undefined);
    await vi.advanceTimersByTimeAsync(29_999);
    expect(checkpointed()).toBe(before);
    await vi.advanceTimersByTimeAsync(1);
    await vi.waitFor(() => expect(checkpointed()).toBe(t?.plane.store.audit.head()?.seq));
    stop();
    await t.activeAgent('a2');
    await vi.advanceTimersByTimeAsync(120_000);
    expect(checkpointed()).toBeLessThan(t.plane.store.audit.head()?.seq ?? 0);
  });
});
