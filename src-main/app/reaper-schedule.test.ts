import { afterEach, describe, expect, it, vi } from 'vitest';
import { openTestPlane, type TestPlane } from '../test-support/control-plane.js';
import { DAY_MS } from '../reaper/thresholds.js';
import { startReaperSchedule } from './reaper-schedule.js';

let t: TestPlane | undefined;
afterEach(async () => {
  vi.useRealTimers();
  await t?.close();
});

describe('the reaper schedule', () => {
  it('by default only logs what is due, every interval', async () => {
    t = await openTestPlane();
    await t.activeAgent('sleepy');
    t.clock.advance(15 * DAY_MS);
    vi.useFakeTimers();
    const lines: string[] = [];
    const stop = startReaperSchedule(t.plane, (line) => lines.push(line));
    vi.advanceTimersByTime(60 * 60_000 - 1);
    expect(lines).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('preview only');
    expect(t.plane.identities.get('sleepy').state).toBe('ACTIVE');
    stop();
  });
  it('applies when reaper.schedule.apply is set', async () => {
    t = await openTestPlane({ reaper: { schedule: { apply: true, intervalMinutes: 5 } } });
    await t.activeAgent('sleepy');
    t.clock.advance(15 * DAY_MS);
    vi.useFakeTimers();
    const lines: string[] = [];
    const stop = startReaperSchedule(t.plane, (line) => lines.push(line));
    vi.advanceTimersByTime(5 * 60_000);
    expect(t.plane.identities.get('sleepy').state).toBe('IDLE');
    expect(lines[0]).toMatch(/^reaper: applied \d+ action\(s\): idle spiffe:\/\/charon.local\/agent\/sleepy/);
    stop();
  });
});
