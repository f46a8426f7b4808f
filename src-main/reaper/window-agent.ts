// One agent's share of the reaper's window, counted record by record. Per-record work is a few
// number reads and writes: counters sit in flat arrays indexed by small integers (the tool and
// decision numbers of window-facts.ts), not in maps of objects, so a record allocates nothing.

/** Decisions a record may carry (AuditDecision: allow, deny, info; room to spare): the width of a tool's slot in `use`. */
export const DECISION_SLOTS = 8;

/** A count with the first and last time counted. */
export interface Span {
  readonly calls: number;
  readonly firstAt: number;
  readonly lastAt: number;
}

export class AgentWindow {
  /** Calls in the lookback per (tool × DECISION_SLOTS + decision) = k: calls, first and last time at 3k, 3k + 1, 3k + 2. */
  readonly #use: number[] = [];
  /** Calls per UTC hour since the baseline's start: [hour] before the recent window, [24 + hour] inside it. */
  readonly hours = new Int32Array(48);
  #denied = 0;
  #deniedFirst = 0;
  #deniedLast = 0;
  /** Allowed calls in the drift window per calendar minute, as runs (records come in time order): the current minute, its calls, the peak. */
  #minute = Number.NaN;
  #minuteCalls = 0;
  #minutePeak = 0;
  /** The same per tool: minute, calls and peak at 3 × tool, 3 × tool + 1, 3 × tool + 2. */
  readonly #toolMinutes: number[] = [];
  /**
   * Constrained values' JSON texts as they came, with their tools: counted per tool and text only
   * when the window is done. A lookup per record into this agent's maps missed the CPU caches on
   * nearly every record (thousands of agents, their maps all over the heap); appending touches one array's end.
   */
  readonly #texts: string[] = [];
  readonly #textTools: number[] = [];

  constructor(
    readonly actor: string,
    /** Whether the agent's grants limit its rate: only then are its minutes counted. */
    readonly rated: boolean,
  ) {}

  use(tool: number, decision: number, time: number): void {
    const use = this.#use;
    const k = 3 * (tool * DECISION_SLOTS + decision);
    const calls = use[k];
    if (calls === undefined) {
      use[k] = 1;
      use[k + 1] = time;
      use[k + 2] = time;
      return;
    }
    use[k] = calls + 1;
    if (time < (use[k + 1] as number)) use[k + 1] = time;
    if (time > (use[k + 2] as number)) use[k + 2] = time;
  }

  deny(time: number): void {
    if (this.#denied === 0 || time < this.#deniedFirst) this.#deniedFirst = time;
    if (this.#denied === 0 || time > this.#deniedLast) this.#deniedLast = time;
    this.#denied++;
  }

  /** An allowed call in the drift window, at `minute` (not before the minute of the call before). */
  allowedAt(tool: number, minute: number): void {
    if (minute !== this.#minute) {
      this.#minute = minute;
      this.#minuteCalls = 0;
    }
    if (++this.#minuteCalls > this.#minutePeak) this.#minutePeak = this.#minuteCalls;
    const m = this.#toolMinutes;
    const j = 3 * tool;
    if (m[j] !== minute) {
      m[j] = minute;
      m[j + 1] = 1;
      if (m[j + 2] === undefined) m[j + 2] = 1;
      return;
    }
    const calls = (m[j + 1] as number) + 1;
    m[j + 1] = calls;
    if (calls > (m[j + 2] as number)) m[j + 2] = calls;
  }

  constrained(tool: number, json: string): void {
    this.#textTools.push(tool);
    this.#texts.push(json);
  }

  /** (tool, decision, span) of every tool use counted. */
  *uses(): Generator<[tool: number, decision: number, span: Span]> {
    const use = this.#use;
    for (let k = 0; k < use.length; k += 3) {
      const calls = use[k];
      if (calls !== undefined) yield [Math.floor(k / 3 / DECISION_SLOTS), (k / 3) % DECISION_SLOTS, { calls, firstAt: use[k + 1] as number, lastAt: use[k + 2] as number }];
    }
  }

  denied(): Span | null {
    return this.#denied === 0 ? null : { calls: this.#denied, firstAt: this.#deniedFirst, lastAt: this.#deniedLast };
  }

  /** The most allowed calls in one minute over all tools; 0 when none was counted. */
  ratePeak(): number {
    return this.#minutePeak;
  }

  /** (tool, peak) per tool called in a counted minute. */
  *toolRatePeaks(): Generator<[tool: number, peak: number]> {
    const m = this.#toolMinutes;
    for (let j = 2; j < m.length; j += 3) {
      const peak = m[j];
      if (peak !== undefined) yield [(j - 2) / 3, peak];
    }
  }

  /** (tool, JSON text → calls) per tool some constrained value was counted for, tools in ascending order. */
  constrainedTexts(): [tool: number, texts: ReadonlyMap<string, number>][] {
    const byTool: Map<string, number>[] = [];
    for (let i = 0; i < this.#texts.length; i++) {
      const tool = this.#textTools[i] as number;
      const json = this.#texts[i] as string;
      const counts = (byTool[tool] ??= new Map());
      counts.set(json, (counts.get(json) ?? 0) + 1);
    }
    return byTool.flatMap((texts, tool) => (texts ? [[tool, texts]] : []));
  }
}
