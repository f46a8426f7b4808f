// Constraint drift on one tool: allowed values never used are dropped, path roots no used path
// lies under are dropped, an amount max far above the peak comes down. A tool with no recorded
// value for an argument keeps that constraint as it is: absence of evidence narrows nothing.
import type { ArgConstraint, ToolRule } from '../../src-shared/grant.js';
import { liesWithin, normalizeAbsolutePath, parseAbsolutePath, type AbsolutePath } from '../core/grant-paths.js';
import { formatUnits, parseDecimalUnits } from '../../src-shared/decimal-units.js';
import { lowerUnits, unitsOfPeak } from './drift-headroom.js';
import type { DriftUsage } from './drift-usage.js';

export interface Narrowed<T> {
  readonly value: T;
  readonly changes: readonly string[];
}

export function narrowToolRule(actor: string, tool: string, rule: ToolRule, use: DriftUsage, factor: number): Narrowed<ToolRule> {
  if (!rule.args) return { value: rule, changes: [] };
  const args: Record<string, ArgConstraint> = {};
  const changes: string[] = [];
  for (const [arg, constraint] of Object.entries(rule.args)) {
    const narrowed = narrowConstraint(constraint, actor, tool, arg, use, factor);
    args[arg] = narrowed.value;
    changes.push(...narrowed.changes.map((c) => `${tool} ${arg}: ${c}`));
  }
  return { value: { ...rule, args }, changes };
}

function narrowConstraint(c: ArgConstraint, actor: string, tool: string, arg: string, use: DriftUsage, factor: number): Narrowed<ArgConstraint> {
  const unchanged = { value: c, changes: [] };
  if ('oneOf' in c) {
    const used = use.valuesOf(actor, tool, arg).map((r) => r.value);
    if (used.length === 0) return unchanged;
    const kept = c.oneOf.filter((v) => used.includes(v));
    // Every used value was allowed (they were allowed calls); keep the owner's order.
    if (kept.length === 0 || kept.length === c.oneOf.length) return unchanged;
    const dropped = c.oneOf.filter((v) => !kept.includes(v));
    return { value: { oneOf: kept }, changes: [`values ${dropped.map((v) => JSON.stringify(v)).join(', ')} never used`] };
  }
  if ('path' in c) {
    const paths = use.valuesOf(actor, tool, arg).flatMap((r) => (typeof r.value === 'string' ? [r.value] : []));
    if (paths.length === 0) return unchanged;
    // Each root and each path parsed once, not once per pair.
    const roots = c.path.roots.map((root) => ({ root, parsed: parseNormalized(root) }));
    const under = (path: string): string[] => {
      const p = parseAbsolutePath(path);
      return p === null ? [] : roots.filter((r) => r.parsed !== null && liesWithin(p, r.parsed)).map((r) => r.root);
    };
    // The gateway records real paths; a root reached through a symlink resolves elsewhere. Only
    // when every used path lies under some root as written can the others be known unused.
    const hits = paths.map(under);
    if (hits.some((h) => h.length === 0)) return unchanged;
    const used = new Set(hits.flat());
    const kept = c.path.roots.filter((r) => used.has(r));
    if (kept.length === c.path.roots.length) return unchanged;
    const dropped = c.path.roots.filter((r) => !used.has(r));
    return { value: { path: { roots: kept } }, changes: [`roots ${dropped.join(', ')} never used`] };
  }
  if ('amount' in c) {
    const peak = unitsOfPeak(use.amountPeakOf(actor, tool, arg));
    const max = c.amount.max === undefined ? null : parseDecimalUnits(c.amount.max);
    if (c.amount.max !== undefined && max === null) return unchanged;
    const lower = lowerUnits(max, peak, factor);
    if (lower === null || peak === undefined) return unchanged;
    return {
      value: { amount: { ...c.amount, max: formatUnits(lower) } },
      changes: [`max ${c.amount.max ?? 'unbounded'} → ${formatUnits(lower)} (peak ${formatUnits(peak)})`],
    };
  }
  // A glob cannot be narrowed from the values seen without guessing the owner's intent.
  return unchanged;
}

/** A root as isWithinRoot(path, normalizeAbsolutePath(root)) reads it: normalized, then parsed. */
function parseNormalized(root: string): AbsolutePath | null {
  const normalized = normalizeAbsolutePath(root);
  return normalized === null ? null : parseAbsolutePath(normalized);
}
