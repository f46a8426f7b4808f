// The reaper's facts from the audit log, gathered in one pass over its window: every
// gateway.decision record is read once, in time order, and counted into each fact it belongs to
// (several grouped queries each walked the window again), the constrained values of the tools
// some grant constrains included; credential.issue records are their own range of the index.
import type { AgentHours, ArgPeakRow, ArgValueRow, DecisionRecord, DeniedRow, IssuanceRow, RatePeakRow, ToolUseRow } from '../core/reaper-ports.js';
import { DECISION_SLOTS, WindowCounters } from './window-counters.js';
import { compare, constrainedRows } from './window-values.js';

const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;

export interface WindowBounds {
  /** The start of the longest lookback: tool use is counted from here. */
  readonly lookbackStart: number;
  /** Hours and issuance: from here, `recentStart` splitting baseline and recent. */
  readonly baselineStart: number;
  readonly recentStart: number;
  /** Denied bursts. */
  readonly burstStart: number;
  /** Drift: constrained values, amounts and per-minute peaks. */
  readonly driftStart: number;
  readonly until: number;
}

export interface WindowFacts {
  readonly toolUse: ToolUseRow[];
  readonly hours: AgentHours[];
  readonly issuance: IssuanceRow[];
  readonly denied: DeniedRow[];
  readonly argValues: ArgValueRow[];
  readonly argPeaks: ArgPeakRow[];
  readonly ratePeaks: RatePeakRow[];
}

/** Streams the window's records (store/reaper-repository.ts; ReaperFactsRepository says what each gives). */
export interface WindowScan {
  /** In time order. */
  decisions(since: number, until: number, constrained: { readonly since: number; readonly tools: readonly string[] }, visit: (record: DecisionRecord) => void): void;
  issuances(since: number, until: number, visit: (subject: string, time: number) => void): void;
}

/**
 * `tools` (`server__tool`) are those some grant constrains: their allowed calls' constrained
 * values are read. `rated` (SPIFFE ids) are the agents whose grants limit the rate: their
 * per-minute peaks are counted.
 */
export function gatherWindowFacts(scan: WindowScan, w: WindowBounds, tools: ReadonlySet<string>, rated: ReadonlySet<string>): WindowFacts {
  const since = Math.min(w.lookbackStart, w.baselineStart, w.burstStart, w.driftStart);
  // A record's tool and decision as small numbers, so each agent's counters are indexed by integers.
  const subjects = new Interned();
  const decisions = new Interned();
  const ALLOW = decisions.id('allow');
  const DENY = decisions.id('deny');
  // Numbered when first seen, off the per-record path: a decision past the counters' slots would
  // count into the next agent's, and only a record not written by Charon could carry one.
  const unusualDecision = (name: string): number => {
    const id = decisions.id(name);
    if (id >= DECISION_SLOTS) throw new Error('reaper window: more kinds of decision than AuditDecision has');
    return id;
  };
  const counters = new WindowCounters();
  const agents = new Map<string, number>();
  let last = -Infinity;
  scan.decisions(since, w.until, { since: w.driftStart, tools: [...tools].sort() }, (record) => {
    const time = record[0];
    const name = record[1];
    const actor = record[2];
    // Minutes are counted as runs: a record out of time order would split one.
    if (time < last) throw new Error('reaper window: decisions out of time order');
    last = time;
    // One lookup per record for its agent's number; the rest is offsets by small integers.
    let agent = agents.get(actor);
    if (agent === undefined) agents.set(actor, (agent = counters.add(actor, rated.has(actor))));
    const tool = subjects.id(record[3]);
    // The two usual decisions without a lookup.
    const decision = name === 'allow' ? ALLOW : name === 'deny' ? DENY : unusualDecision(name);
    if (time >= w.lookbackStart) counters.use(agent, tool, decision, time);
    if (time >= w.baselineStart) counters.hour(agent, (Math.floor(time / HOUR_MS) % 24) + (time < w.recentStart ? 0 : 24));
    if (decision === DENY) {
      if (time >= w.burstStart) counters.deny(agent, time);
      return;
    }
    if (decision !== ALLOW || time < w.driftStart) return;
    if (counters.rated(agent)) counters.allowedAt(agent, tool, Math.floor(time / MINUTE_MS));
    const constrained = record[4];
    if (constrained !== null) counters.constrained(agent, tool, constrained);
  });
  const issuance = new Map<string, { baseline: number; recent: number }>();
  scan.issuances(w.baselineStart, w.until, (subject, time) => {
    let counts = issuance.get(subject);
    if (!counts) issuance.set(subject, (counts = { baseline: 0, recent: 0 }));
    if (time < w.recentStart) counts.baseline++;
    else counts.recent++;
  });
  return { ...agentFacts(counters, subjects, decisions), issuance: [...issuance].sort(([a], [b]) => compare(a, b)).map(([subject, c]) => ({ subject, baseline: c.baseline, recent: c.recent })) };
}

/**
 * Every agent's rows, ordered as the grouped queries' callers expect: by actor, then subject
 * (decision, hour, argument and value). Agents are sorted once and each one's few rows apart.
 */
function agentFacts(counters: WindowCounters, subjects: Interned, decisions: Interned): Omit<WindowFacts, 'issuance'> {
  const toolRank = subjects.ranks();
  const decisionRank = decisions.ranks();
  const byTool = <T extends { tool: number }>(a: T, b: T): number => (toolRank[a.tool] as number) - (toolRank[b.tool] as number);
  const facts = { toolUse: [] as ToolUseRow[], hours: [] as AgentHours[], denied: [] as DeniedRow[], argValues: [] as ArgValueRow[], argPeaks: [] as ArgPeakRow[], ratePeaks: [] as RatePeakRow[] };
  const constrainedTexts = counters.constrainedTexts();
  for (const agent of counters.byActor(compare)) {
    const actor = counters.actor(agent);
    const uses = [...counters.uses(agent)].map(([tool, decision, span]) => ({ tool, decision, span }));
    uses.sort((a, b) => byTool(a, b) || (decisionRank[a.decision] as number) - (decisionRank[b.decision] as number));
    for (const { tool, decision, span } of uses) facts.toolUse.push({ actor, subject: subjects.name(tool), decision: decisions.name(decision), calls: span.calls, firstAt: span.firstAt, lastAt: span.lastAt });
    // One row per agent with its 24 hours, not one per (agent, hour): the rules read them per agent.
    const hours = counters.hours(agent);
    if (hours.some((calls) => calls > 0)) facts.hours.push({ actor, baseline: Array.from(hours.subarray(0, 24)), recent: Array.from(hours.subarray(24)) });
    const denied = counters.denied(agent);
    if (denied) facts.denied.push({ actor, denied: denied.calls, firstAt: denied.firstAt, lastAt: denied.lastAt });
    const texts = (constrainedTexts[agent] ?? []).flatMap((t, tool) => (t ? [{ tool, t }] : [])).sort(byTool);
    for (const { tool, t } of texts) {
      const rows = constrainedRows(actor, subjects.name(tool), t);
      facts.argValues.push(...rows.values);
      facts.argPeaks.push(...rows.peaks);
    }
    if (counters.ratePeak(agent) > 0) facts.ratePeaks.push({ actor, subject: null, peak: counters.ratePeak(agent) });
    const peaks = [...counters.toolRatePeaks(agent)].map(([tool, peak]) => ({ tool, peak })).sort(byTool);
    for (const { tool, peak } of peaks) facts.ratePeaks.push({ actor, subject: subjects.name(tool), peak });
  }
  return facts;
}

/** Strings numbered in order of first sight. */
class Interned {
  readonly #ids = new Map<string, number>();
  readonly #names: string[] = [];

  id(name: string): number {
    let id = this.#ids.get(name);
    if (id === undefined) {
      id = this.#names.length;
      this.#ids.set(name, id);
      this.#names.push(name);
    }
    return id;
  }

  name(id: number): string {
    return this.#names[id] as string;
  }

  /** Each id's place among the names in string order. */
  ranks(): number[] {
    const ranks: number[] = [];
    this.#names.map((name, id) => ({ name, id })).sort((a, b) => compare(a.name, b.name)).forEach(({ id }, rank) => (ranks[id] = rank));
    return ranks;
  }
}
