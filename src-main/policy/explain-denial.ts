// Says in words why a tools/call that Cedar refused was refused, when a grant for the tool
// exists: which argument, and what the grant wanted. Cedar's answer stays the decision; this
// only reads the same grants and the same normalized arguments to name the cause.
import { TOOL_SEPARATOR, type ArgConstraint, type GrantSpec } from '../../src-shared/grant.js';
import type { Environment } from '../../src-shared/domain.js';
import { globMatches } from '../core/grant-attenuation.js';
import { isWithinRoot, normalizeAbsolutePath } from '../core/grant-paths.js';
import { parseDecimalUnits } from '../../src-shared/decimal-units.js';
import type { ArgValue } from './decision-context.js';

export interface DenialQuestion {
  readonly grants: readonly { readonly id: string; readonly spec: GrantSpec }[];
  readonly environment: Environment;
  readonly now: number;
  readonly server: string;
  readonly tool: string;
  /** The normalized constrained arguments the policy saw (a list for a `*` path). */
  readonly args: Readonly<Record<string, ArgValue | readonly ArgValue[]>>;
}

/** Why no grant for the tool allowed the call (`server__tool: grant …: …`); null when no grant names the tool at all. */
export function explainToolDenial(q: DenialQuestion): string | null {
  const naming = q.grants.filter((g) => g.spec.servers[q.server]?.tools[q.tool] !== undefined);
  if (naming.length === 0) return null;
  const reasons = naming.slice(0, 3).map((g) => `grant ${g.id}: ${whyNot(g.spec, q)}`);
  const more = naming.length > 3 ? `; and ${naming.length - 3} more grant(s)` : '';
  return `${q.server}${TOOL_SEPARATOR}${q.tool}: ${reasons.join('; ')}${more}`;
}

function whyNot(spec: GrantSpec, q: DenialQuestion): string {
  if (spec.environment !== q.environment) return `it is for ${spec.environment}, and this credential is for ${q.environment}`;
  if (spec.expiresAt !== null && spec.expiresAt <= q.now) return 'it has expired';
  const rule = spec.servers[q.server]?.tools[q.tool];
  for (const [path, constraint] of Object.entries(rule?.args ?? {})) {
    const value = q.args[path];
    if (value === undefined) return `argument "${path}" is required by the grant and was not given`;
    const values = Array.isArray(value) ? (value as readonly ArgValue[]) : [value as ArgValue];
    for (const [i, v] of values.entries()) {
      const problem = constraintProblem(constraint, v);
      if (problem) return `argument "${path}"${Array.isArray(value) ? ` (element ${i})` : ''} ${problem}`;
    }
  }
  return 'its policy did not allow this call';
}

/** What is wrong with one normalized value under one constraint, in words; null when it fits. */
export function constraintProblem(constraint: ArgConstraint, value: ArgValue): string | null {
  if ('path' in constraint) {
    if (typeof value !== 'string') return 'must be a path';
    const roots = constraint.path.roots.map((r) => normalizeAbsolutePath(r) ?? r);
    return roots.some((root) => isWithinRoot(value, root)) ? null : `is outside the grant's roots (${roots.join(', ')})`;
  }
  if ('amount' in constraint) {
    const units = typeof value === 'object' ? parseDecimalUnits(value.decimal) : null;
    if (units === null) return 'must be an amount';
    const min = parseDecimalUnits(constraint.amount.min ?? '0') ?? 0n;
    if (units < min) return `is ${show(value)}, below the grant's minimum ${constraint.amount.min ?? '0'}`;
    const max = constraint.amount.max === undefined ? null : parseDecimalUnits(constraint.amount.max);
    if (max !== null && units > max) return `is ${show(value)}, above the grant's maximum ${constraint.amount.max as string}`;
    return null;
  }
  if ('oneOf' in constraint) {
    return constraint.oneOf.some((allowed) => allowed === value) ? null : `is ${show(value)}, not one of ${constraint.oneOf.map((a) => JSON.stringify(a)).join(', ')}`;
  }
  if (typeof value !== 'string') return `must be a string matching ${JSON.stringify(constraint.pattern)}`;
  // The same glob reading as the attenuation checks, and as Cedar's `like`: `*` any run of characters.
  return globMatches(constraint.pattern, value) ? null : `is ${show(value)}, which does not match ${JSON.stringify(constraint.pattern)}`;
}

/** A value as the refusal quotes it: short, so an argument's content never fills the message. */
function show(value: ArgValue): string {
  const text = typeof value === 'object' ? value.decimal : JSON.stringify(value);
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
