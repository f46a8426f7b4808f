// Every agent's share of the reaper's window, counted record by record. The counters of all
// agents sit in flat typed arrays indexed by the agent's number (order of first sight), one array
// per kind of counter and, for tool counters, one per tool: a record reads and writes a few
// numbers at known offsets. With an object and arrays of its own per agent, a record chased
// several pointers to wherever that agent's objects lay on the heap, each a likely cache miss
// (thousands of agents, records in time order, so agents in no order); here it is one offset per
// array, and the constrained texts are appended to one list for all agents.

/**
 * Decisions a record may carry (AuditDecision: allow, deny, info; one to spare): the width of a
 * tool's slot in `use`. Kept narrow: the `use` arrays are the largest, and a smaller footprint
 * keeps more of them in the CPU caches.
 */
export const DECISION_SLOTS = 4;
const HOURS = 48;

/** A count with the first and last time counted. */
export interface Span {
  readonly calls: number;
  readonly firstAt: number;
  readonly lastAt: number;
}

export class WindowCounters {
  #capacity = 256;
  readonly #actors: string[] = [];
  #rated = new Uint8Array(this.#capacity);
  /** Calls per UTC hour since the baseline's start: agent × 48 + hour before the recent window, + 24 + hour inside it. */
  #hours = new Int32Array(this.#capacity * HOURS);
  /** Denied calls in the burst window: calls, first and last time at 3 × agent. */
  #denied = new Float64Array(this.#capacity * 3);
  /** Allowed calls in the drift window per calendar minute, as runs (records come in time order): minute, its calls, the peak at 3 × agent. */
  #minutes = new Float64Array(this.#capacity * 3);
  /** Per tool: calls in the lookback, first and last time at 3 × (agent × DECISION_SLOTS + decision). */
  readonly #use: Float64Array[] = [];
  /** Per tool: minute, its calls, the peak at 3 × agent. */
  readonly #toolMinutes: Float64Array[] = [];
  /** Constrained values' JSON texts as they came, with their agent and tool: counted when the window is done. */
  readonly #texts: string[] = [];
  readonly #textAgents: number[] = [];
  readonly #textTools: number[] = [];

  /** A new agent's number. `rated`: whether its grants limit its rate (only then are its minutes counted). */
  add(actor: string, rated: boolean): number {
    const agent = this.#actors.length;
    if (agent === this.#capacity) this.#grow();
    this.#actors.push(actor);
    this.#rated[agent] = rated ? 1 : 0;
    return agent;
  }

  actor(agent: number): string {
    return this.#actors[agent] as string;
  }

  /** The agents' numbers in the order of their actors' names. */
  byActor(compare: (a: string, b: string) => number): number[] {
    const actors = this.#actors;
    return Array.from(actors, (_, agent) => agent).sort((a, b) => compare(actors[a] as string, actors[b] as string));
  }

  rated(agent: number): boolean {
    return this.#rated[agent] === 1;
  }

  use(agent: number, tool: number, decision: number, time: number): void {
    const use = this.#use[tool] ?? this.#newToolArrays(tool).use;
    const k = 3 * (agent * DECISION_SLOTS + decision);
    const calls = use[k] as number;
    use[k] = calls + 1;
    if (calls === 0 || time < (use[k + 1] as number)) use[k + 1] = time;
    if (calls === 0 || time > (use[k + 2] as number)) use[k + 2] = time;
  }

  /** `slot`: the hour, plus 24 inside the recent window. */
  hour(agent: number, slot: number): void {
    const i = agent * HOURS + slot;
    this.#hours[i] = (this.#hours[i] as number) + 1;
  }

  deny(agent: number, time: number): void {
    const d = this.#denied;
    const k = 3 * agent;
    const calls = d[k] as number;
    d[k] = calls + 1;
    if (calls === 0 || time < (d[k + 1] as number)) d[k + 1] = time;
    if (calls === 0 || time > (d[k + 2] as number)) d[k + 2] = time;
  }

  /** An allowed call in the drift window, at `minute` (not before the minute of the call before). */
  allowedAt(agent: number, tool: number, minute: number): void {
    countRun(this.#minutes, 3 * agent, minute);
    countRun(this.#toolMinutes[tool] ?? this.#newToolArrays(tool).minutes, 3 * agent, minute);
  }

  constrained(agent: number, tool: number, json: string): void {
    this.#texts.push(json);
    this.#textAgents.push(agent);
    this.#textTools.push(tool);
  }

  /** (tool, decision, span) of every tool use counted for `agent`. */
  *uses(agent: number): Generator<[tool: number, decision: number, span: Span]> {
    for (let tool = 0; tool < this.#use.length; tool++) {
      const use = this.#use[tool];
      if (!use) continue;
      for (let decision = 0; decision < DECISION_SLOTS; decision++) {
        const k = 3 * (agent * DECISION_SLOTS + decision);
        const calls = use[k] as number;
        if (calls > 0) yield [tool, decision, { calls, firstAt: use[k + 1] as number, lastAt: use[k + 2] as number }];
      }
    }
  }

  /** The agent's 48 hours (see #hours). */
  hours(agent: number): Int32Array {
    return this.#hours.subarray(agent * HOURS, (agent + 1) * HOURS);
  }

  denied(agent: number): Span | null {
    const k = 3 * agent;
    const calls = this.#denied[k] as number;
    return calls === 0 ? null : { calls, firstAt: this.#denied[k + 1] as number, lastAt: this.#denied[k + 2] as number };
  }

  /** The most allowed calls in one minute over all tools; 0 when none was counted. */
  ratePeak(agent: number): number {
    return this.#minutes[3 * agent + 2] as number;
  }

  /** (tool, peak) per tool called in a counted minute. */
  *toolRatePeaks(agent: number): Generator<[tool: number, peak: number]> {
    for (let tool = 0; tool < this.#toolMinutes.length; tool++) {
      const peak = this.#toolMinutes[tool]?.[3 * agent + 2] ?? 0;
      if (peak > 0) yield [tool, peak];
    }
  }

  /** Indexed by agent: per tool (sparse, by tool number) the JSON texts of its constrained values → calls. */
  constrainedTexts(): (Map<string, number> | undefined)[][] {
    const byAgent: (Map<string, number> | undefined)[][] = [];
    for (let i = 0; i < this.#texts.length; i++) {
      const tools = (byAgent[this.#textAgents[i] as number] ??= []);
      const counts = (tools[this.#textTools[i] as number] ??= new Map());
      const json = this.#texts[i] as string;
      counts.set(json, (counts.get(json) ?? 0) + 1);
    }
    return byAgent;
  }

  #newToolArrays(tool: number): { use: Float64Array; minutes: Float64Array } {
    const use = (this.#use[tool] ??= new Float64Array(this.#capacity * DECISION_SLOTS * 3));
    const minutes = (this.#toolMinutes[tool] ??= new Float64Array(this.#capacity * 3));
    return { use, minutes };
  }

  #grow(): void {
    const capacity = this.#capacity * 2;
    this.#rated = grown(this.#rated, new Uint8Array(capacity));
    this.#hours = grown(this.#hours, new Int32Array(capacity * HOURS));
    this.#denied = grown(this.#denied, new Float64Array(capacity * 3));
    this.#minutes = grown(this.#minutes, new Float64Array(capacity * 3));
    for (let tool = 0; tool < this.#use.length; tool++) {
      const use = this.#use[tool];
      const minutes = this.#toolMinutes[tool];
      if (use) this.#use[tool] = grown(use, new Float64Array(capacity * DECISION_SLOTS * 3));
      if (minutes) this.#toolMinutes[tool] = grown(minutes, new Float64Array(capacity * 3));
    }
    this.#capacity = capacity;
  }
}

/** One more call at `minute` in the run at `k` (minute, its calls, the peak): a new minute starts a new run. */
function countRun(m: Float64Array, k: number, minute: number): void {
  const calls = m[k] === minute && (m[k + 1] as number) > 0 ? (m[k + 1] as number) + 1 : 1;
  m[k] = minute;
  m[k + 1] = calls;
  if (calls > (m[k + 2] as number)) m[k + 2] = calls;
}

function grown<T extends Uint8Array | Int32Array | Float64Array>(from: T, to: T): T {
  to.set(from);
  return to;
}
