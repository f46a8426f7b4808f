// The scopes a held call can be approved at (issue 13, item 3), narrowest first, as macOS and
// 1Password ask: this call only (the default), these arguments for an hour, or the tool standing
// with an expiry the owner sees. Each choice is the exact spec that would be stored and signed.
// Arguments are pinned with the constraint kind the agent's grants already use for them (a path
// root, an amount), else as the exact value; what cannot be pinned is named in the label.
import type { HeldCallDto, JitChoiceDto } from '../../src-shared/approvals.js';
import { argPathSchema, decimalSchema, grantSpecSchema, type ArgConstraint, type GrantSpec } from '../../src-shared/grant.js';

const ONCE_MS = 10 * 60_000;
const HOUR_MS = 60 * 60_000;
const DAY_MS = 24 * 60 * 60_000;
const STANDING_MS = 30 * DAY_MS;
const MAX_DEPTH = 3;

type Kind = 'path' | 'amount';

/** The kind of constraint the agent's grants put on each argument of this tool. */
function kindsOf(current: readonly GrantSpec[], server: string, tool: string): Map<string, Kind> {
  const kinds = new Map<string, Kind>();
  for (const spec of current) {
    for (const [arg, c] of Object.entries(spec.servers[server]?.tools[tool]?.args ?? {})) {
      if ('path' in c) kinds.set(arg, 'path');
      else if ('amount' in c) kinds.set(arg, 'amount');
    }
  }
  return kinds;
}

const scalar = (v: unknown): v is string | boolean | number => (typeof v === 'string' && v.length <= 1024) || typeof v === 'boolean' || (typeof v === 'number' && Number.isSafeInteger(v));

/** The parent folder of an absolute POSIX or Windows path; null for a root or a relative path. */
function folderOf(path: string): string | null {
  const sep = /^[A-Za-z]:\\/.test(path) ? '\\' : '/';
  if (!(path.startsWith('/') || sep === '\\')) return null;
  const at = path.replace(/[\\/]+$/, '').lastIndexOf(sep);
  // "/file" would derive "/": everything. No folder is derived from a root.
  if (at <= 0) return null;
  return path.slice(0, at);
}

/**
 * A wider pin for the "within a derived constraint" choice: a path becomes its folder, an amount
 * becomes a cap at that amount; other values stay exact. Null when nothing could be derived.
 */
export function deriveArguments(pins: Readonly<Record<string, ArgConstraint>>): Record<string, ArgConstraint> | null {
  let derived = false;
  const out: Record<string, ArgConstraint> = {};
  for (const [arg, c] of Object.entries(pins)) {
    if ('path' in c && c.path.roots.length === 1) {
      const folder = folderOf(c.path.roots[0] as string);
      if (folder) {
        out[arg] = { path: { roots: [folder] } };
        derived = true;
        continue;
      }
    }
    if ('amount' in c && c.amount.max !== undefined) {
      out[arg] = { amount: { max: c.amount.max } };
      derived = true;
      continue;
    }
    if ('oneOf' in c && c.oneOf.length === 1 && typeof c.oneOf[0] === 'string' && folderOf(c.oneOf[0]) !== null) {
      out[arg] = { path: { roots: [folderOf(c.oneOf[0]) as string] } };
      derived = true;
      continue;
    }
    out[arg] = c;
  }
  return derived ? out : null;
}

/** Constraints that admit exactly these arguments (as far as the grant language can say), and the paths it could not pin. */
export function pinArguments(args: Readonly<Record<string, unknown>>, kinds: ReadonlyMap<string, Kind>): { pins: Record<string, ArgConstraint>; unpinned: string[] } {
  const pins: Record<string, ArgConstraint> = {};
  const unpinned: string[] = [];
  const visit = (path: string, value: unknown, depth: number): void => {
    if (!argPathSchema.safeParse(path).success) return void unpinned.push(path);
    const kind = kinds.get(path);
    if (kind === 'path' && typeof value === 'string' && value.startsWith('/')) return void (pins[path] = { path: { roots: [value] } });
    if (kind === 'amount' && (typeof value === 'string' || typeof value === 'number') && decimalSchema.safeParse(String(value)).success) {
      return void (pins[path] = { amount: { min: String(value), max: String(value) } });
    }
    if (scalar(value)) return void (pins[path] = { oneOf: [value] });
    if (Array.isArray(value) && value.length > 0 && value.length <= 256 && value.every(scalar)) return void (pins[`${path}.*`] = { oneOf: [...new Set(value)] });
    if (typeof value === 'object' && value !== null && !Array.isArray(value) && depth < MAX_DEPTH && Object.keys(value).length > 0) {
      for (const [k, v] of Object.entries(value)) visit(`${path}.${k}`, v, depth + 1);
      return;
    }
    unpinned.push(path);
  };
  for (const [k, v] of Object.entries(args)) visit(k, v, 1);
  return { pins, unpinned };
}

const clock = (ms: number): string => new Date(ms).toISOString().replace('T', ' ').slice(0, 16) + ' UTC';

export function jitChoices(held: HeldCallDto, base: Pick<GrantSpec, 'agentId' | 'environment'>, current: readonly GrantSpec[], now: number): Omit<JitChoiceDto, 'widenings'>[] {
  const name = `${held.server}__${held.tool}`;
  const { pins, unpinned } = pinArguments(held.args, kindsOf(current, held.server, held.tool));
  const spec = (args: Record<string, ArgConstraint> | undefined, envelope: GrantSpec['envelope'], expiresAt: number): GrantSpec =>
    grantSpecSchema.parse({ ...base, servers: { [held.server]: { tools: { [held.tool]: args && Object.keys(args).length > 0 ? { args } : {} } } }, envelope, expiresAt, purpose: `just-in-time: ${name}` });
  const argsText = Object.keys(held.args).length === 0 ? 'no arguments' : `these arguments (${JSON.stringify(held.args).slice(0, 200)})`;
  const loose = unpinned.length > 0 ? `; not pinned, so any value: ${unpinned.join(', ')}` : '';
  const derived = deriveArguments(pins);
  const within = derived ? Object.entries(derived).map(([arg, c]) => ('path' in c ? `${arg} inside ${c.path.roots.join(', ')}` : 'amount' in c ? `${arg} at most ${c.amount.max ?? 'any'}` : null)).filter((t): t is string => t !== null) : [];
  return [
    { id: 'once', label: `This call only: ${name} with ${argsText}, once, until ${clock(now + ONCE_MS)}${loose}`, spec: spec(pins, { uses: 1 }, now + ONCE_MS) },
    { id: 'hour', label: `${name} with ${argsText}, any number of times for 1 hour, until ${clock(now + HOUR_MS)}${loose}`, spec: spec(pins, {}, now + HOUR_MS) },
    ...(derived
      ? [{ id: 'derived' as const, label: `${name} within ${within.join(' and ')}, any number of times for 24 hours, until ${clock(now + DAY_MS)}${loose}`, spec: spec(derived, {}, now + DAY_MS) }]
      : []),
    { id: 'standing', label: `${name} with ANY arguments, standing until ${clock(now + STANDING_MS)} (30 days)`, spec: spec(undefined, {}, now + STANDING_MS) },
  ];
}
