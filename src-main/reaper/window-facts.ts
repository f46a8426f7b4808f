// The reaper's facts from the audit log, gathered in one pass over its window: every
// gateway.decision and credential.issue record is read once and counted into each fact it belongs
// to (several grouped queries each walked the window again); the constrained values of the tools
// some grant constrains come in a second, narrower read.
import type { ArgPeakRow, ArgValueRow, DeniedRow, HourRow, IssuanceRow, RatePeakRow, ToolUseRow, WindowRecord } from '../core/reaper-ports.js';

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
  readonly hours: HourRow[];
  readonly issuance: IssuanceRow[];
  readonly denied: DeniedRow[];
  readonly argValues: ArgValueRow[];
  readonly argPeaks: ArgPeakRow[];
  readonly ratePeaks: RatePeakRow[];
}

/** Streams the window's records, and the constrained values of allowed calls to some tools (store/reaper-repository.ts). */
export interface WindowScan {
  records(since: number, until: number, visit: (record: WindowRecord) => void): void;
  constrained(since: number, until: number, tools: readonly string[], visit: (actor: string, subject: string, json: string) => void): void;
}

interface Span {
  calls: number;
  firstAt: number;
  lastAt: number;
}

const widen = (span: Span | undefined, time: number): Span => {
  if (!span) return { calls: 1, firstAt: time, lastAt: time };
  span.calls++;
  if (time < span.firstAt) span.firstAt = time;
  if (time > span.lastAt) span.lastAt = time;
  return span;
};

/** One agent's share of the window. */
interface AgentWindow {
  /** Calls in the lookback by tool and decision (tool × DECISION_SLOTS + decision). */
  readonly use: Map<number, Span>;
  /** Calls per UTC hour since baselineStart: [hour] before recentStart, [24 + hour] after. */
  readonly hours: Int32Array;
  denied: Span | undefined;
  /** Whether the agent's grants limit its rate: only then are its minutes counted. */
  readonly rated: boolean;
  /** The minute of each allowed call in the drift window, and its (tool × window minutes + minute). */
  minutes: number[] | null;
  toolMinutes: number[] | null;
}

const byKeys = <T>(rows: T[], ...keys: ((row: T) => string | number)[]): T[] =>
  rows.sort((a, b) => {
    for (const k of keys) {
      const x = k(a);
      const y = k(b);
      if (x !== y) return x < y ? -1 : 1;
    }
    return 0;
  });

/**
 * `tools` (`server__tool`) are those some grant constrains: their allowed calls' constrained
 * values are read. `rated` (SPIFFE ids) are the agents whose grants limit the rate: their
 * per-minute peaks are counted.
 */
export function gatherWindowFacts(scan: WindowScan, w: WindowBounds, tools: ReadonlySet<string>, rated: ReadonlySet<string>): WindowFacts {
  const since = Math.min(w.lookbackStart, w.baselineStart, w.burstStart, w.driftStart);
  const firstMinute = Math.floor(w.driftStart / MINUTE_MS);
  // Minutes of the drift window: a (tool, minute) pair is the number tool × windowMinutes + minute.
  const windowMinutes = Math.max(1, Math.floor(w.until / MINUTE_MS) - firstMinute + 1);
  // A record's tool and decision as small numbers, so each agent's counters are keyed by integers.
  const subjects = new Interned();
  const decisions = new Interned();
  const agents = new Map<string, AgentWindow>();
  const issuance = new Map<string, { baseline: number; recent: number }>();
  const values = new Map<string, Map<string, number>>(); // actor\0subject\0arg → typed value → calls
  const valueOf = new Map<string, string | number | boolean>();
  const peaks = new Map<string, number>(); // actor\0subject\0arg → peak

  scan.records(since, w.until, (record) => {
    const time = record[1];
    const decision = record[2];
    const actor = record[3];
    const subject = record[4];
    if (record[0] === 'credential.issue') {
      if (decision !== 'allow' || time < w.baselineStart) return;
      let counts = issuance.get(subject);
      if (!counts) issuance.set(subject, (counts = { baseline: 0, recent: 0 }));
      if (time < w.recentStart) counts.baseline++;
      else counts.recent++;
      return;
    }
    // One lookup per record for its agent; the rest hangs off it, keyed by small integers.
    let agent = agents.get(actor);
    if (!agent) agents.set(actor, (agent = { use: new Map(), hours: new Int32Array(48), denied: undefined, rated: rated.has(actor), minutes: null, toolMinutes: null }));
    const tool = subjects.id(subject);
    if (time >= w.lookbackStart) {
      const key = tool * DECISION_SLOTS + decisions.id(decision);
      agent.use.set(key, widen(agent.use.get(key), time));
    }
    if (time >= w.baselineStart) {
      const slot = (Math.floor(time / HOUR_MS) % 24) + (time < w.recentStart ? 0 : 24);
      agent.hours[slot] = (agent.hours[slot] as number) + 1;
    }
    if (decision === 'deny') {
      if (time >= w.burstStart) agent.denied = widen(agent.denied, time);
      return;
    }
    if (decision !== 'allow' || time < w.driftStart) return;
    if (agent.rated) {
      // Listed now, counted once at the end (sorted): cheaper than a counter per minute kept up per record.
      const minute = Math.floor(time / MINUTE_MS) - firstMinute;
      (agent.minutes ??= []).push(minute);
      (agent.toolMinutes ??= []).push(tool * windowMinutes + minute);
    }
  });
  scan.constrained(w.driftStart, w.until, [...tools].sort(), (actor, subject, json) => constrainedValues(actor, subject, json, values, valueOf, peaks));

  const toolUse: ToolUseRow[] = [];
  const hours: HourRow[] = [];
  const denied: DeniedRow[] = [];
  const ratePeaks: RatePeakRow[] = [];
  for (const [actor, agent] of agents) {
    for (const [key, s] of agent.use) {
      toolUse.push({ actor, subject: subjects.name(Math.floor(key / DECISION_SLOTS)), decision: decisions.name(key % DECISION_SLOTS), calls: s.calls, firstAt: s.firstAt, lastAt: s.lastAt });
    }
    for (let hour = 0; hour < 24; hour++) {
      const baseline = agent.hours[hour] as number;
      const recent = agent.hours[hour + 24] as number;
      if (baseline + recent > 0) hours.push({ actor, hour, baseline, recent });
    }
    if (agent.denied) denied.push({ actor, denied: agent.denied.calls, firstAt: agent.denied.firstAt, lastAt: agent.denied.lastAt });
    if (agent.minutes) for (const peak of peaksOf(agent.minutes, () => 0).values()) ratePeaks.push({ actor, subject: null, peak });
    if (agent.toolMinutes) for (const [tool, peak] of peaksOf(agent.toolMinutes, (key) => Math.floor(key / windowMinutes))) ratePeaks.push({ actor, subject: subjects.name(tool), peak });
  }
  const split = (key: string): string[] => key.split('\0');
  return {
    toolUse: byKeys(toolUse, (r) => r.actor, (r) => r.subject, (r) => r.decision),
    hours: byKeys(hours, (r) => r.actor, (r) => r.hour),
    issuance: byKeys([...issuance].map(([subject, c]) => ({ subject, baseline: c.baseline, recent: c.recent })), (r) => r.subject),
    denied: byKeys(denied, (r) => r.actor),
    argValues: byKeys(
      [...values].flatMap(([key, counts]) => {
        const [actor = '', subject = '', arg = ''] = split(key);
        return [...counts].map(([typed, calls]) => ({ actor, subject, arg, value: valueOf.get(typed) as string | number | boolean, calls }));
      }),
      (r) => r.actor, (r) => r.subject, (r) => r.arg, (r) => String(r.value),
    ),
    argPeaks: byKeys(
      [...peaks].map(([key, peak]) => {
        const [actor = '', subject = '', arg = ''] = split(key);
        return { actor, subject, arg, peak };
      }),
      (r) => r.actor, (r) => r.subject, (r) => r.arg,
    ),
    ratePeaks: byKeys(ratePeaks, (r) => r.actor, (r) => r.subject ?? ''),
  };
}

/** Decisions a record may carry (AuditDecision: allow, deny, info; room to spare): the width of a tool's slot in an agent's counters. */
const DECISION_SLOTS = 8;

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
}

/** The longest run of equal values in `keys` (calls in one minute), per group of `groupOf(key)`. */
function peaksOf(keys: readonly number[], groupOf: (key: number) => number): Map<number, number> {
  const sorted = Float64Array.from(keys).sort();
  const peaks = new Map<number, number>();
  for (let i = 0; i < sorted.length; ) {
    let j = i + 1;
    while (j < sorted.length && sorted[j] === sorted[i]) j++;
    const group = groupOf(sorted[i] as number);
    if (j - i > (peaks.get(group) ?? 0)) peaks.set(group, j - i);
    i = j;
  }
  return peaks;
}

/**
 * The decision record's `constrained` values (its JSON text), as the policy saw them: a scalar is counted by its
 * JSON type and value, an amount (`{ decimal }`) raises that argument's peak. Arrays and nulls
 * are neither.
 */
function constrainedValues(
  actor: string,
  subject: string,
  json: string,
  values: Map<string, Map<string, number>>,
  valueOf: Map<string, string | number | boolean>,
  peaks: Map<string, number>,
): void {
  let constrained: unknown;
  try {
    constrained = JSON.parse(json);
  } catch {
    return;
  }
  if (typeof constrained !== 'object' || constrained === null || Array.isArray(constrained)) return;
  for (const [arg, value] of Object.entries(constrained as Record<string, unknown>)) {
    const key = `${actor}\0${subject}\0${arg}`;
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      const typed = `${typeof value}:${String(value)}`;
      valueOf.set(typed, value);
      let counts = values.get(key);
      if (!counts) values.set(key, (counts = new Map()));
      counts.set(typed, (counts.get(typed) ?? 0) + 1);
    } else if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      const decimal = (value as { decimal?: unknown }).decimal;
      if (typeof decimal !== 'string' && typeof decimal !== 'number') continue;
      // As SQLite's CAST to REAL read it: approximate, and 0 for text that is no number.
      const amount = Number(decimal);
      const peak = Number.isFinite(amount) ? amount : 0;
      const before = peaks.get(key);
      if (before === undefined || peak > before) peaks.set(key, peak);
    }
  }
}
