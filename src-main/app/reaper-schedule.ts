// The reaper on a timer in the main process (`serve`): every reaper.schedule.intervalMinutes a
// preview that is only logged, or, with reaper.schedule.apply, a run of every action that is not
// a proposal (drift narrowings wait for the owner). Time comes from the control plane's clock.
import type { Clock } from '../core/clock.js';
import type { Reaper } from '../reaper/reaper.js';
import type { CharonConfig } from './config.js';

/** What the schedule uses of the control plane. */
export interface ReaperScheduleDeps {
  readonly config: Pick<CharonConfig, 'reaper'>;
  readonly clock: Clock;
  readonly reaper: Pick<Reaper, 'preview' | 'run'>;
}

export function startReaperSchedule(plane: ReaperScheduleDeps, log: (line: string) => void): () => void {
  const { intervalMinutes, apply } = plane.config.reaper.schedule;
  const tick = (): void => {
    try {
      const now = plane.clock.now();
      if (apply) {
        const { applied } = plane.reaper.run(now);
        if (applied.length > 0) log(`reaper: applied ${applied.length} action(s): ${applied.map((a) => `${a.rule} ${a.subject}`).join('; ')}`);
        return;
      }
      const due = plane.reaper.preview(now);
      if (due.length > 0) log(`reaper (preview only; set reaper.schedule.apply to apply): ${due.length} action(s) due: ${due.map((a) => `${a.rule} ${a.subject}`).join('; ')}`);
    } catch (error) {
      log(`reaper: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  const timer = setInterval(tick, intervalMinutes * 60_000);
  timer.unref();
  return () => clearInterval(timer);
}
