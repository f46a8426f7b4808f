// What an agent did with its grant in the drift window, indexed for the drift rules: tools it
// called, values it gave constrained arguments, its peak amounts and its peak rates.
import type { ArgValueRow } from '../core/reaper-ports.js';
import type { ReaperFacts } from './facts.js';

const key = (...parts: readonly string[]): string => JSON.stringify(parts);

export class DriftUsage {
  readonly #tools = new Map<string, Set<string>>();
  readonly #values = new Map<string, ArgValueRow[]>();
  readonly #amountPeaks = new Map<string, number>();
  readonly #ratePeaks = new Map<string, number>();
  readonly capPeaks: ReadonlyMap<string, bigint>;

  constructor(f: ReaperFacts, windowStart: number) {
    for (const row of f.toolUse) {
      if (row.decision !== 'allow' || row.lastAt < windowStart) continue;
      let tools = this.#tools.get(row.actor);
      if (!tools) this.#tools.set(row.actor, (tools = new Set()));
      tools.add(row.subject);
    }
    for (const row of f.argValues) {
      const k = key(row.actor, row.subject, row.arg);
      const list = this.#values.get(k);
      if (list) list.push(row);
      else this.#values.set(k, [row]);
    }
    for (const row of f.argPeaks) this.#amountPeaks.set(key(row.actor, row.subject, row.arg), row.peak);
    for (const row of f.ratePeaks) this.#ratePeaks.set(key(row.actor, row.subject ?? ''), row.peak);
    this.capPeaks = f.capPeaks;
  }

  /** `server__tool` names the agent called with an allowed decision in the window. */
  toolsOf(actor: string): ReadonlySet<string> {
    return this.#tools.get(actor) ?? new Set();
  }

  /** Scalar values the agent's allowed calls gave `arg` of `tool`. */
  valuesOf(actor: string, tool: string, arg: string): readonly ArgValueRow[] {
    return this.#values.get(key(actor, tool, arg)) ?? [];
  }

  amountPeakOf(actor: string, tool: string, arg: string): number | undefined {
    return this.#amountPeaks.get(key(actor, tool, arg));
  }

  /** Peak allowed calls in one minute: to `tool`, or to any tool when `tool` is omitted. */
  ratePeakOf(actor: string, tool?: string): number | undefined {
    return this.#ratePeaks.get(key(actor, tool ?? ''));
  }
}
