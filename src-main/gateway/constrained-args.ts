import type { ArgConstraint } from '../../src-shared/grant.js';
import { parseAmount } from '../core/amount.js';
import { getArg } from '../core/arg-path.js';
import { CharonError } from '../core/errors.js';
import type { ArgValue } from '../policy/decision-context.js';
import { confinePath } from './path-confinement.js';

export interface NormalizedArgs {
  /** What the policy decides on: each constrained argument, normalized. */
  readonly context: Record<string, ArgValue>;
  /** What is forwarded: the arguments with confined paths replaced by the path that was checked. */
  readonly forwarded: Record<string, unknown>;
  /** Amount arguments in 1/10 000 units, for the envelope's cumulative caps. */
  readonly amounts: Record<string, bigint>;
}

/**
 * Normalizes every argument a grant constrains, so the decision is taken on the value the
 * downstream will act on: paths resolved (symlinks, `..`, encodings) and confined, amounts
 * parsed strictly. A value that cannot be normalized is refused here with a typed error.
 */
export async function normalizeConstrainedArgs(args: Record<string, unknown>, constraints: ReadonlyMap<string, readonly ArgConstraint[]>): Promise<NormalizedArgs> {
  const context: Record<string, ArgValue> = {};
  const amounts: Record<string, bigint> = {};
  let forwarded = args;
  for (const [path, list] of constraints) {
    const lookup = getArg(args, path);
    if (!lookup.found) continue; // the policy denies a constrained argument that is absent
    const value = lookup.value;
    const roots = list.flatMap((c) => ('path' in c ? c.path.roots : []));
    if (roots.length > 0) {
      if (typeof value !== 'string') throw new CharonError('ERR_ARGUMENT_INVALID', `argument "${path}" must be a path string`);
      const confined = await confinePath(value, roots);
      context[path] = confined.granted;
      forwarded = withArg(forwarded, path, confined.real);
    } else if (list.some((c) => 'amount' in c)) {
      const amount = parseAmount(value, path);
      context[path] = { decimal: amount.text };
      amounts[path] = amount.units;
    } else if (typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isSafeInteger(value))) {
      context[path] = value;
    } else {
      throw new CharonError('ERR_ARGUMENT_INVALID', `argument "${path}" must be a string, a boolean or a whole number`);
    }
  }
  return { context, forwarded, amounts };
}

/** A copy of `args` with the value at a dotted path replaced (the path was just read, so it exists). */
function withArg(args: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
  const copy = structuredClone(args);
  const segments = path.split('.');
  let node = copy as Record<string, unknown>;
  for (const segment of segments.slice(0, -1)) node = node[segment] as Record<string, unknown>;
  node[segments.at(-1) as string] = value;
  return copy;
}
