// Activity outside the agent's usual hours: gateway calls in the recent window at hours of the
// day (UTC) that hold less than offHoursMaxShare of its baseline calls.
import { anomaly, liveBySpiffeId } from './anomaly.js';
import type { ReaperAction, ReaperFacts } from './facts.js';

export function offHoursRule(f: ReaperFacts): ReaperAction[] {
  const a = f.t.anomaly;
  const live = liveBySpiffeId(f);
  const actions: ReaperAction[] = [];
  for (const h of f.hours) {
    const identity = live.get(h.actor);
    if (!identity) continue;
    const total = h.baseline.reduce((s, n) => s + n, 0);
    if (total < a.offHoursMinBaseline) continue;
    const unusual: number[] = [];
    let events = 0;
    for (let hour = 0; hour < 24; hour++) {
      if ((h.recent[hour] ?? 0) > 0 && (h.baseline[hour] ?? 0) / total < a.offHoursMaxShare) {
        unusual.push(hour);
        events += h.recent[hour] ?? 0;
      }
    }
    if (events < a.offHoursMinEvents) continue;
    const usualHours = h.baseline.flatMap((n, hour) => (n / total >= a.offHoursMaxShare ? [hour] : []));
    const action = anomaly(f, 'off-hours', identity, a.recentMs, `${events} gateway call(s) at unusual hours (UTC ${unusual.join(', ')}); usual hours ${usualHours.join(', ')}`, {
      hoursUtc: unusual,
      recentEvents: events,
      usualHoursUtc: usualHours,
      baselineEvents: total,
      maxShare: a.offHoursMaxShare,
    });
    if (action) actions.push(action);
  }
  return actions;
}
