// A burst of denied gateway calls: at least deniedBurstMin denials within deniedBurstMs.
import { anomaly, liveBySpiffeId } from './anomaly.js';
import type { ReaperAction, ReaperFacts } from './facts.js';

export function deniedBurstRule(f: ReaperFacts): ReaperAction[] {
  const a = f.t.anomaly;
  const live = liveBySpiffeId(f);
  const actions: ReaperAction[] = [];
  for (const row of f.denied) {
    const identity = live.get(row.actor);
    if (!identity || row.denied < a.deniedBurstMin) continue;
    const action = anomaly(f, 'denied-burst', identity, a.deniedBurstMs, `${row.denied} denied gateway calls within ${a.deniedBurstMs / 60_000} min`, {
      denied: row.denied,
      firstAt: row.firstAt,
      lastAt: row.lastAt,
      minimum: a.deniedBurstMin,
      windowMs: a.deniedBurstMs,
    });
    if (action) actions.push(action);
  }
  return actions;
}
