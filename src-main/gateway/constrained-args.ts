import type { ArgConstraint } from '../../src-shared/grant.js';
import { parseAmount } from '../core/amount.js';
import { getArg, getArgEach } from '../core/arg-path.js';
import { CharonError } from '../core/errors.js';
import type { ArgValue } from '../policy/decision-context.js';
import { confinePath } from './path-confinement.js';

export interface NormalizedArgs {
  /** What the policy decides on: each constrained argument, normalized (a list for a `*` path: every element). */
  readonly context: Record<string, ArgValue | ArgValue[]>;
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
  const context: Record<string, ArgValue | ArgValue[]> = {};
  const amounts: Record<string, bigint> = {};
  let forwarded = args;
  for (const [path, list] of constraints) {
    if (path.split('.').includes('*')) {
      // Every element is normalized and decided, and forwarded as checked (policy/each-element.ts).
      const lookup = getArgEach(args, path);
      if (!lookup.found) continue;
      const values: ArgValue[] = [];
      for (const element of lookup.each) {
        const one = await normalizeOne(element.path, element.value, list);
        values.push(one.value);
        if (one.forward !== undefined) forwarded = withArg(forwarded, element.path, one.forward);
      }
      context[path] = values;
      continue;
    }
    const lookup = getArg(args, path);
    if (!lookup.found) continue; // the policy denies a constrained argument that is absent
    const one = await normalizeOne(path, lookup.value, list);
    context[path] = one.value;
    if (one.forward !== undefined) forwarded = withArg(forwarded, path, one.forward);
    if (one.units !== undefined) amounts[path] = one.units;
  }
  return { context, forwarded, amounts };
}

/** One value under its constraints: what the policy sees, what to forward instead (a resolved path), the amount in units. */
async function normalizeOne(path: string, value: unknown, list: readonly ArgConstraint[]): Promise<{ value: ArgValue; forward?: string; units?: bigint }> {
  const roots = list.flatMap((c) => ('path' in c ? c.path.roots : []));
  if (roots.length > 0) {
    if (Array.isArray(value)) throw new CharonError('ERR_ARGUMENT_INVALID', `argument "${path}" is an array: a grant constrains its elements as "${path}.*"`);
    if (typeof value !== 'string') throw new CharonError('ERR_ARGUMENT_INVALID', `argument "${path}" must be a path string`);
    let confined: Awaited<ReturnType<typeof confinePath>>;
    try {
      confined = await confinePath(value, roots);
    } catch (error) {
      // Which argument, and where it may point: the agent can correct the call.
      if (error instanceof CharonError && error.code === 'ERR_PATH_OUTSIDE_ROOT') throw new CharonError(error.code, `argument "${path}" refused: it resolves outside the grant's roots (${roots.join(', ')})`);
      throw error;
    }
    return { value: confined.granted, forward: confined.real };
  }
  if (list.some((c) => 'amount' in c)) {
    const amount = parseAmount(value, path);
    return { value: { decimal: amount.text }, units: amount.units };
  }
  if (typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isSafeInteger(value))) return { value };
  throw new CharonError('ERR_ARGUMENT_INVALID', `argument "${path}" must be a string, a boolean or a whole number${Array.isArray(value) ? ` (an array: a grant constrains its elements as "${path}.*")` : ''}`);
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
