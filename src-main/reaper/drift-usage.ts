// What an agent did with its grant in the drift window, indexed for the drift rules: tools it
// called, values it gave constrained arguments, its peak amounts and its peak rates.
import type { ArgValueRow } from '../core/reaper-ports.js';
import type { ReaperFacts } from './facts.js';

/** A map under several string keys, as nested maps: no key string is built per lookup (a JSON key per row was most of this class's cost). */
class NestedMap<V> {
  readonly #root = new Map<string, unknown>();

  get(keys: readonly string[]): V | undefined {
    let node: unknown = this.#root;
    for (const k of keys) {
      node = (node as Map<string, unknown>).get(k);
      if (node === undefined) return undefined;
    }
    return node as V;
  }

  set(keys: readonly string[], value: V): void {
    let node = this.#root;
    for (let i = 0; i < keys.length - 1; i++) {
      let next = node.get(keys[i] as string) as Map<string, unknown> | undefined;
      if (!next) node.set(keys[i] as string, (next = new Map()));
      node = next;
    }
    node.set(keys[keys.length - 1] as string, value);
  }
}

export class DriftUsage {
  readonly #tools = new Map<string, Set<string>>();
  /** Under actor, tool, argument. */
  readonly #values = new NestedMap<ArgValueRow[]>();
  readonly #amountPeaks = new NestedMap<number>();
  /** Under actor, tool ('' for the peak over every tool). */
  readonly #ratePeaks = new NestedMap<number>();
  readonly capPeaks: ReadonlyMap<string, bigint>;

  constructor(f: ReaperFacts, windowStart: number) {
    for (const row of f.toolUse) {
      if (row.decision !== 'allow' || row.lastAt < windowStart) continue;
      let tools = this.#tools.get(row.actor);
      if (!tools) this.#tools.set(row.actor, (tools = new Set()));
      tools.add(row.subject);
    }
    for (const row of f.argValues) {
      const keys = [row.actor, row.subject, row.arg];
      const list = this.#values.get(keys);
      if (list) list.push(row);
      else this.#values.set(keys, [row]);
    }
    for (const row of f.argPeaks) this.#amountPeaks.set([row.actor, row.subject, row.arg], row.peak);
    for (const row of f.ratePeaks) this.#ratePeaks.set([row.actor, row.subject ?? ''], row.peak);
    this.capPeaks = f.capPeaks;
  }

  /** `server__tool` names the agent called with an allowed decision in the window. */
  toolsOf(actor: string): ReadonlySet<string> {
    return this.#tools.get(actor) ?? new Set();
  }

  /** Scalar values the agent's allowed calls gave `arg` of `tool`. */
  valuesOf(actor: string, tool: string, arg: string): readonly ArgValueRow[] {
    return this.#values.get([actor, tool, arg]) ?? [];
  }

  amountPeakOf(actor: string, tool: string, arg: string): number | undefined {
    return this.#amountPeaks.get([actor, tool, arg]);
  }

  /** Peak allowed calls in one minute: to `tool`, or to any tool when `tool` is omitted. */
  ratePeakOf(actor: string, tool?: string): number | undefined {
    return this.#ratePeaks.get([actor, tool ?? '']);
  }
}
