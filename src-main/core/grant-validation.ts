// What the grant schema cannot say: semantic checks on a grant spec from untrusted input,
// made before it is stored, so every stored grant compiles and means what it says.
import type { ArgConstraint, GrantSpec } from '../../src-shared/grant.js';
import { compareDecimals } from './grant-decimal.js';
import { CharonError } from './errors.js';
import { normalizeAbsolutePath } from './grant-paths.js';
import { resourceUriProblem } from './resource-uri.js';

function constraintProblem(c: ArgConstraint): string | null {
  if ('path' in c) {
    const relative = c.path.roots.find((r) => normalizeAbsolutePath(r) === null);
    return relative === undefined ? null : `root ${JSON.stringify(relative)} is not an absolute path`;
  }
  if ('amount' in c) {
    const { min, max } = c.amount;
    return min !== undefined && max !== undefined && compareDecimals(min, max) > 0 ? `min ${min} is above max ${max}` : null;
  }
  if ('oneOf' in c) {
    // Cedar has 64-bit integers only; a fraction could not be compared exactly.
    const bad = c.oneOf.find((v) => typeof v === 'number' && !Number.isSafeInteger(v));
    return bad === undefined ? null : `value ${bad} is not an integer (use a string or an amount constraint)`;
  }
  return null;
}

/** Throws ERR_INVALID_INPUT naming the first problem. */
export function assertGrantSpecSound(spec: GrantSpec): void {
  for (const [server, grant] of Object.entries(spec.servers)) {
    // A glob is matched against normalized URIs only: one written with encoded separators or dot segments could never match as written.
    for (const glob of grant.resources) {
      const problem = resourceUriProblem(glob);
      if (problem) throw new CharonError('ERR_INVALID_INPUT', `${server} resource ${JSON.stringify(glob)}: ${problem}`);
    }
    for (const [tool, rule] of Object.entries(grant.tools)) {
      for (const [arg, constraint] of Object.entries(rule.args ?? {})) {
        // `paths.0` would confine the first element only and let the others through unchecked.
        if (arg.split('.').some((segment) => /^[0-9]+$/.test(segment))) throw new CharonError('ERR_INVALID_INPUT', `${server}__${tool} argument ${arg} names one element of an array: constrain every element with ${arg.replace(/\.[0-9]+(?=\.|$)/, '.*')}`);
        const problem = constraintProblem(constraint);
        if (problem) throw new CharonError('ERR_INVALID_INPUT', `${server}__${tool} argument ${arg}: ${problem}`);
      }
    }
  }
  for (const cap of spec.envelope.caps ?? []) {
    const [server, tool] = splitToolName(cap.tool);
    if (cap.arg.split('.').includes('*')) throw new CharonError('ERR_INVALID_INPUT', `cap on ${cap.tool} ${cap.arg}: a cap sums one amount per call, not every element of an array`);
    const constraint = spec.servers[server]?.tools[tool]?.args?.[cap.arg];
    if (!constraint || !('amount' in constraint)) throw new CharonError('ERR_INVALID_INPUT', `cap on ${cap.tool} ${cap.arg}: that argument has no amount constraint in this grant`);
  }
}

/** `server__tool` → [server, tool]; the server name never contains the separator. */
export function splitToolName(name: string): [string, string] {
  const at = name.indexOf('__');
  return at < 0 ? [name, ''] : [name.slice(0, at), name.slice(at + 2)];
}
