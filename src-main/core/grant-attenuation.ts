// Attenuation of grants: a grant may only ever be replaced by one that allows no more
// (DESIGN.md §5, invariant 6). Every check errs towards refusal: when two constraints cannot
// be compared exactly (different kinds, different patterns, different cap periods), the
// child is refused, because a wrongly accepted widening is a security bug and a wrongly
// refused narrowing only costs the owner a fresh grant.
import type { ArgConstraint, Envelope, GrantSpec, ServerGrant, ToolRule } from '../../src-shared/grant.js';
import { compareDecimals } from './grant-decimal.js';
import { isWithinRoot, normalizeAbsolutePath } from './grant-paths.js';
import { intervalsCovered, windowIntervals } from './grant-windows.js';

export type AttenuationResult = { ok: true } | { ok: false; reason: string };

const OK: AttenuationResult = { ok: true };
const no = (reason: string): AttenuationResult => ({ ok: false, reason });

/** Runs checks in order and returns the first refusal. */
function firstRefusal(checks: Iterable<AttenuationResult>): AttenuationResult {
  for (const result of checks) if (!result.ok) return result;
  return OK;
}

/** Whether `child` allows nothing that `parent` does not. */
export function isNarrowerOrEqual(child: GrantSpec, parent: GrantSpec): AttenuationResult {
  if (child.agentId !== parent.agentId) return no(`agent ${child.agentId} differs from ${parent.agentId}`);
  if (child.environment !== parent.environment) return no(`environment ${child.environment} differs from ${parent.environment}`);
  return firstRefusal(
    (function* () {
      for (const [server, grant] of Object.entries(child.servers)) {
        const parentServer = Object.hasOwn(parent.servers, server) ? parent.servers[server] : undefined;
        if (!parentServer) {
          yield no(`server ${server} is not in the parent grant`);
          return;
        }
        yield serverNarrower(server, grant, parentServer);
      }
      yield envelopeNarrower(child.envelope, parent.envelope);
      yield expiryNarrower(child.expiresAt, parent.expiresAt);
    })(),
  );
}

function serverNarrower(server: string, child: ServerGrant, parent: ServerGrant): AttenuationResult {
  return firstRefusal(
    (function* () {
      for (const [tool, rule] of Object.entries(child.tools)) {
        const parentRule = Object.hasOwn(parent.tools, tool) ? parent.tools[tool] : undefined;
        if (!parentRule) {
          yield no(`tool ${server}__${tool} is not in the parent grant`);
          return;
        }
        yield toolNarrower(`${server}__${tool}`, rule, parentRule);
      }
      for (const prompt of child.prompts) {
        if (!parent.prompts.includes(prompt)) yield no(`prompt ${server}__${prompt} is not in the parent grant`);
      }
      for (const resource of child.resources) {
        if (!parent.resources.some((p) => globCovers(p, resource))) yield no(`resource ${resource} of ${server} is not covered by the parent grant`);
      }
    })(),
  );
}

function toolNarrower(name: string, child: ToolRule, parent: ToolRule): AttenuationResult {
  const childArgs = child.args ?? {};
  for (const [arg, parentConstraint] of Object.entries(parent.args ?? {})) {
    const childConstraint = Object.hasOwn(childArgs, arg) ? childArgs[arg] : undefined;
    // Dropping a constraint the parent had would let any value through.
    if (!childConstraint) return no(`${name}: the constraint on ${arg} was dropped`);
    const result = constraintNarrower(childConstraint, parentConstraint);
    if (!result.ok) return no(`${name}: ${arg}: ${result.reason}`);
  }
  // A constraint the parent did not have only narrows: nothing to check.
  return OK;
}

/** Whether every value `child` admits is admitted by `parent`. */
export function constraintNarrower(child: ArgConstraint, parent: ArgConstraint): AttenuationResult {
  if ('path' in parent) {
    if (!('path' in child)) return no('the parent constrains a path; a different kind of constraint cannot be compared');
    const parentRoots = parent.path.roots.map(normalizeAbsolutePath);
    for (const root of child.path.roots) {
      const normalized = normalizeAbsolutePath(root);
      if (normalized === null) return no(`root ${root} is not absolute`);
      if (!parentRoots.some((p) => p !== null && isWithinRoot(normalized, p))) return no(`root ${root} is outside the parent's roots`);
    }
    return OK;
  }
  if ('amount' in parent) {
    if (!('amount' in child)) return no('the parent constrains an amount; a different kind of constraint cannot be compared');
    const { min: parentMin, max: parentMax } = parent.amount;
    const { min: childMin, max: childMax } = child.amount;
    if (parentMax !== undefined && (childMax === undefined || compareDecimals(childMax, parentMax) > 0)) return no(`max ${childMax ?? 'unbounded'} exceeds ${parentMax}`);
    // An absent min means 0 (amounts are never negative in a grant, see compile-grant.ts).
    if (compareDecimals(childMin ?? '0', parentMin ?? '0') < 0) return no(`min ${childMin ?? '0'} is below ${parentMin ?? '0'}`);
    return OK;
  }
  if ('oneOf' in parent) {
    if (!('oneOf' in child)) return no('the parent allows a list of values; a different kind of constraint cannot be compared');
    const extra = child.oneOf.find((v) => !parent.oneOf.some((p) => p === v));
    return extra === undefined ? OK : no(`value ${JSON.stringify(extra)} is not allowed by the parent`);
  }
  if (!('pattern' in child) || child.pattern !== parent.pattern) return no('a pattern can only be kept exactly as the parent had it');
  return OK;
}

/**
 * Whether every string matched by glob `child` is matched by glob `parent`. Exact for equal
 * globs, for a literal child, and for a parent that is a literal prefix followed by one final
 * `*`; any other pair is refused.
 */
export function globCovers(parent: string, child: string): boolean {
  if (parent === child) return true;
  if (!child.includes('*')) return globMatches(parent, child);
  const star = parent.indexOf('*');
  if (star === parent.length - 1) return child.slice(0, child.indexOf('*')).startsWith(parent.slice(0, -1));
  return false;
}

/** Glob match where `*` matches any run of characters (including none) and nothing else is special. */
export function globMatches(glob: string, text: string): boolean {
  const parts = glob.split('*');
  const first = parts[0] as string;
  const last = parts[parts.length - 1] as string;
  if (parts.length === 1) return glob === text;
  if (!text.startsWith(first) || !text.endsWith(last) || text.length < first.length + last.length) return false;
  let at = first.length;
  const limit = text.length - last.length;
  for (const middle of parts.slice(1, -1)) {
    const found = text.indexOf(middle, at);
    if (found < 0 || found + middle.length > limit) return false;
    at = found + middle.length;
  }
  return true;
}

function envelopeNarrower(child: Envelope, parent: Envelope): AttenuationResult {
  // Windows and cap periods are read in the time zone: another zone shifts them all.
  if ((child.timeZone ?? 'UTC') !== (parent.timeZone ?? 'UTC')) return no(`time zone ${child.timeZone ?? 'UTC'} differs from ${parent.timeZone ?? 'UTC'}`);
  if (parent.rate) {
    if (!child.rate) return no('the rate limit was dropped');
    if (child.rate.perMinute > parent.rate.perMinute || child.rate.burst > parent.rate.burst) return no('the rate limit is higher than the parent');
  }
  for (const [tool, rate] of Object.entries(parent.toolRates ?? {})) {
    const mine = child.toolRates && Object.hasOwn(child.toolRates, tool) ? child.toolRates[tool] : undefined;
    if (!mine) return no(`the rate limit of ${tool} was dropped`);
    if (mine.perMinute > rate.perMinute || mine.burst > rate.burst) return no(`the rate limit of ${tool} is higher than the parent`);
  }
  if (parent.windows) {
    if (!child.windows) return no('the time windows were dropped');
    const outer = parent.windows.flatMap((w) => windowIntervals(w, 'empty'));
    for (const window of child.windows) {
      const same = parent.windows.some((p) => p.start === window.start && p.end === window.end && window.days.every((d) => p.days.includes(d)));
      if (!same && !intervalsCovered(windowIntervals(window, 'full'), outer)) return no(`window ${window.days.join(',')} ${window.start}-${window.end} is outside the parent's windows`);
    }
  }
  if (parent.uses !== undefined && (child.uses === undefined || child.uses > parent.uses)) return no(`the limit of ${parent.uses} use(s) was dropped or raised`);
  for (const cap of parent.caps ?? []) {
    // A cap over another period does not bound this one (an hourly cap says nothing about a day).
    const mine = (child.caps ?? []).filter((c) => c.tool === cap.tool && c.arg === cap.arg && c.per === cap.per);
    if (!mine.some((c) => compareDecimals(c.max, cap.max) <= 0)) return no(`the ${cap.per} cap on ${cap.tool} ${cap.arg} was dropped or raised`);
  }
  return OK;
}

function expiryNarrower(child: number | null, parent: number | null): AttenuationResult {
  if (parent === null) return OK;
  if (child === null) return no('the parent expires; a grant that never expires is wider');
  return child <= parent ? OK : no(`expiry ${new Date(child).toISOString()} is later than ${new Date(parent).toISOString()}`);
}
