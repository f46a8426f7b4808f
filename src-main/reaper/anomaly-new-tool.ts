// Calls to tools never used before: tools the agent called (allowed or denied) in the recent
// window with no call in the whole lookback before it (the longer of the drift window and the
// anomaly baseline). Only for agents with a baseline: to a new agent every tool is new.
import { TOOL_SEPARATOR } from '../../src-shared/grant.js';
import { anomaly, baselineCalls, liveBySpiffeId } from './anomaly.js';
import { windowsOf, type ReaperAction, type ReaperFacts } from './facts.js';

export function newToolRule(f: ReaperFacts): ReaperAction[] {
  const a = f.t.anomaly;
  const { recentStart, lookbackStart } = windowsOf(f.now, f.t);
  const live = liveBySpiffeId(f);
  const baseline = baselineCalls(f);
  // actor → tool → first call in the lookback
  const first = new Map<string, Map<string, number>>();
  for (const row of f.toolUse) {
    if (!row.subject.includes(TOOL_SEPARATOR)) continue;
    let tools = first.get(row.actor);
    if (!tools) first.set(row.actor, (tools = new Map()));
    tools.set(row.subject, Math.min(tools.get(row.subject) ?? Infinity, row.firstAt));
  }
  const actions: ReaperAction[] = [];
  for (const [actor, tools] of first) {
    const identity = live.get(actor);
    const calls = baseline.get(actor) ?? 0;
    if (!identity || calls < a.newToolMinBaseline) continue;
    const fresh = [...tools].filter(([, at]) => at >= recentStart).map(([tool]) => tool).sort();
    if (fresh.length === 0) continue;
    const action = anomaly(f, 'new-tool', identity, a.recentMs, `called ${fresh.length} tool(s) never used before: ${fresh.join(', ')}`, {
      tools: fresh,
      lookbackStart,
      baselineCalls: calls,
    });
    if (action) actions.push(action);
  }
  return actions;
}
