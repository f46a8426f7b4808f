// Issuance-rate spike: credentials issued in the recent window against the agent's own rate
// over the baseline before it (scaled to a window of the same length).
import { anomaly, liveBySpiffeId } from './anomaly.js';
import type { ReaperAction, ReaperFacts } from './facts.js';

export function issuanceSpikeRule(f: ReaperFacts): ReaperAction[] {
  const a = f.t.anomaly;
  const live = liveBySpiffeId(f);
  const actions: ReaperAction[] = [];
  for (const row of f.issuance) {
    const identity = live.get(row.subject);
    if (!identity) continue;
    const expected = (row.baseline * a.recentMs) / a.baselineMs;
    if (row.recent < a.issuanceSpikeMin || row.recent < a.issuanceSpikeFactor * expected) continue;
    const action = anomaly(f, 'issuance-spike', identity, a.recentMs, `${row.recent} credentials issued in ${a.recentMs / 60_000} min, against ${expected.toFixed(2)} expected from its baseline`, {
      recent: row.recent,
      baseline: row.baseline,
      expectedInWindow: expected,
      factor: a.issuanceSpikeFactor,
      minimum: a.issuanceSpikeMin,
      windowMs: a.recentMs,
      baselineMs: a.baselineMs,
    });
    if (action) actions.push(action);
  }
  return actions;
}
