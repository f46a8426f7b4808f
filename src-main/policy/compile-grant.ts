// A grant becomes Cedar policy text: one `permit` per allowed tool, prompt and resource glob.
// The text is what the console shows the owner, and exactly what the gateway evaluates.
// Nothing but `permit` is emitted, so an agent with no grant, or a request no grant names,
// is denied by Cedar's default.
import { checkParsePolicySet } from '@cedar-policy/cedar-wasm/nodejs';
import type { ArgConstraint, GrantSpec, ToolRule } from '../../src-shared/grant.js';
import { TOOL_SEPARATOR } from '../../src-shared/grant.js';
import { cedarDecimalText } from '../core/grant-decimal.js';
import { normalizeAbsolutePath, separatorOf } from '../core/grant-paths.js';
import { cedarGlob, cedarPrefixPattern, cedarString } from './cedar-text.js';

/** What the compiler needs of a grant: its id names the policies it produces. */
export interface PolicyGrant {
  readonly id: string;
  readonly spec: GrantSpec;
}

export interface CompiledPolicy {
  /** Unique in the agent's policy set: `<grant id>#<n>`; Cedar reports it when it allows. */
  readonly policyId: string;
  readonly grantId: string;
  readonly text: string;
}

/** Thrown when a grant cannot be expressed in Cedar (the grant service refuses it earlier). */
export class GrantCompileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GrantCompileError';
  }
}

/** `context.args["<path>"]`: the dotted arg path itself is the key (no flattening, no collisions). */
const argRef = (path: string): string => `context.args[${cedarString(path)}]`;

function pathCheck(ref: string, roots: readonly string[]): string {
  const alternatives = roots.map((root) => {
    const normalized = normalizeAbsolutePath(root);
    if (normalized === null) throw new GrantCompileError(`path root ${JSON.stringify(root)} is not absolute`);
    // A filesystem root ("/", "C:\") already ends with its separator.
    const sep = separatorOf(normalized);
    if (normalized.endsWith(sep)) return `${ref} like ${cedarPrefixPattern(normalized)}`;
    return `${ref} == ${cedarString(normalized)} || ${ref} like ${cedarPrefixPattern(normalized + sep)}`;
  });
  return `(${[...new Set(alternatives)].join(' || ')})`;
}

function literal(value: string | number | boolean): string {
  if (typeof value === 'string') return cedarString(value);
  if (typeof value === 'boolean') return String(value);
  if (!Number.isSafeInteger(value)) throw new GrantCompileError(`value ${value} is not an integer`);
  return String(value);
}

function constraintCheck(path: string, constraint: ArgConstraint): string {
  const ref = argRef(path);
  // A missing argument fails `has`, so an agent cannot dodge a constraint by leaving it out.
  const present = `context.args has ${cedarString(path)}`;
  if ('path' in constraint) return `${present} && ${pathCheck(ref, constraint.path.roots)}`;
  if ('amount' in constraint) {
    // Grant amounts are never negative: an absent min is 0, so a negative amount never passes.
    const checks = [`${ref}.greaterThanOrEqual(decimal(${cedarString(cedarDecimalText(constraint.amount.min ?? '0'))}))`];
    if (constraint.amount.max !== undefined) checks.push(`${ref}.lessThanOrEqual(decimal(${cedarString(cedarDecimalText(constraint.amount.max))}))`);
    return `${present} && ${checks.join(' && ')}`;
  }
  if ('oneOf' in constraint) return `${present} && [${constraint.oneOf.map(literal).join(', ')}].contains(${ref})`;
  return `${present} && ${ref} like ${cedarGlob(constraint.pattern)}`;
}

function conditions(spec: GrantSpec, extra: readonly string[]): string {
  const all = [`context.environment == ${cedarString(spec.environment)}`];
  if (spec.expiresAt !== null) all.push(`context.now < ${spec.expiresAt}`);
  all.push(...extra);
  return `when {\n  ${all.join(' &&\n  ')}\n}`;
}

function toolChecks(rule: ToolRule): string[] {
  return Object.entries(rule.args ?? {})
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([path, constraint]) => `(${constraintCheck(path, constraint)})`);
}

/** The policies of one grant, in a stable order (servers, then tools, prompts, resources, by name). */
export function compileGrant(grant: PolicyGrant): CompiledPolicy[] {
  const { id, spec } = grant;
  const principal = `principal == Agent::${cedarString(spec.agentId)}`;
  const bodies: string[] = [];
  for (const server of Object.keys(spec.servers).sort()) {
    const sg = spec.servers[server];
    if (!sg) continue;
    for (const tool of Object.keys(sg.tools).sort()) {
      const rule = sg.tools[tool] as ToolRule;
      const name = cedarString(`${server}${TOOL_SEPARATOR}${tool}`);
      bodies.push(`permit (\n  ${principal},\n  action == Action::"tools/call",\n  resource == Tool::${name}\n)\n${conditions(spec, toolChecks(rule))};`);
    }
    for (const prompt of [...new Set(sg.prompts)].sort()) {
      const name = cedarString(`${server}${TOOL_SEPARATOR}${prompt}`);
      bodies.push(`permit (\n  ${principal},\n  action == Action::"prompts/get",\n  resource == Prompt::${name}\n)\n${conditions(spec, [])};`);
    }
    for (const glob of [...new Set(sg.resources)].sort()) {
      const checks = [`resource.server == ${cedarString(server)}`, `resource.uri like ${cedarGlob(glob)}`];
      bodies.push(`permit (\n  ${principal},\n  action == Action::"resources/read",\n  resource is Resource\n)\n${conditions(spec, checks)};`);
    }
  }
  return bodies.map((body, n) => ({ policyId: `${id}#${n}`, grantId: id, text: `@grant(${cedarString(id)})\n${body}` }));
}

/** The whole policy text of a grant, as the console shows it. */
export function grantPolicyText(grant: PolicyGrant): string {
  return compileGrant(grant)
    .map((p) => p.text)
    .join('\n\n');
}

/**
 * Why the grant cannot be enforced, or null when it compiles and Cedar parses every policy.
 * The grant service refuses such a grant before storing it, so the engine never meets one.
 */
export function grantCompileProblem(grant: PolicyGrant): string | null {
  let policies: CompiledPolicy[];
  try {
    policies = compileGrant(grant);
  } catch (error) {
    if (error instanceof GrantCompileError) return error.message;
    throw error;
  }
  if (policies.length === 0) return null;
  const answer = checkParsePolicySet({ staticPolicies: Object.fromEntries(policies.map((p) => [p.policyId, p.text])) });
  return answer.type === 'success' ? null : answer.errors.map((e) => e.message).join('; ');
}
