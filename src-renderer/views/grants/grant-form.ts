// The grant editor's form, as plain data: what the owner typed, turned into the exact spec that
// is stored and enforced (and back, to narrow a grant). Kept apart from the components so the
// translation is tested on its own: the card, the stored grant and the policy must agree.
import type { WEEKDAYS} from '../../../src-shared/grant.js';
import { type ArgConstraint, type GrantSpec, type GrantSpecInput } from '../../../src-shared/grant.js';
import type { Environment } from '../../../src-shared/domain.js';

export const CONSTRAINT_KINDS = ['path', 'amount', 'oneOf', 'pattern'] as const;
export type ConstraintKind = (typeof CONSTRAINT_KINDS)[number];

export const CONSTRAINT_LABEL: Readonly<Record<ConstraintKind, string>> = { path: 'a path inside folders', amount: 'an amount between', oneOf: 'one of these values', pattern: 'text matching a pattern' };

export interface ConstraintDraft {
  readonly arg: string;
  readonly kind: ConstraintKind;
  /** path: folders, one per line; amount: "min" and "max"; oneOf: values, one per line; pattern: the glob. */
  readonly roots: string;
  readonly min: string;
  readonly max: string;
  readonly values: string;
  readonly pattern: string;
  /** The argument's JSON type as the tool declares it, for oneOf values ("integer", "boolean"…). */
  readonly type: string | null;
}

export interface ServerDraft {
  /** Checked tools and their constraints. */
  readonly tools: Readonly<Record<string, readonly ConstraintDraft[]>>;
  readonly resources: string;
  readonly prompts: string;
}

export const EXPIRY_CHOICES = ['hour', 'day', 'week', 'month', 'never', 'keep'] as const;
export type ExpiryChoice = (typeof EXPIRY_CHOICES)[number];
const EXPIRY_MS: Readonly<Record<'hour' | 'day' | 'week' | 'month', number>> = { hour: 3600_000, day: 86_400_000, week: 7 * 86_400_000, month: 30 * 86_400_000 };

export interface WindowDraft {
  readonly days: readonly (typeof WEEKDAYS)[number][];
  readonly start: string;
  readonly end: string;
}

export interface CapDraft {
  /** `server__tool`. */
  readonly tool: string;
  readonly arg: string;
  readonly max: string;
  readonly per: 'hour' | 'day' | 'week';
}

export interface GrantDraft {
  readonly agentId: string;
  readonly environment: Environment;
  readonly servers: Readonly<Record<string, ServerDraft>>;
  readonly perMinute: string;
  readonly burst: string;
  readonly uses: string;
  /** Calls only inside these windows, in `timeZone` (empty: any time). */
  readonly windows: readonly WindowDraft[];
  readonly timeZone: string;
  /** Sums of an amount argument per period. */
  readonly caps: readonly CapDraft[];
  readonly expiry: ExpiryChoice;
  /** The expiry a narrowed grant has now ('keep'). */
  readonly keptExpiresAt: number | null;
  readonly purpose: string;
}

export const emptyConstraint = (arg: string, type: string | null = null): ConstraintDraft => ({ arg, kind: type === 'number' || type === 'integer' ? 'amount' : 'path', roots: '', min: '', max: '', values: '', pattern: '', type });
export const emptyServer = (): ServerDraft => ({ tools: {}, resources: '', prompts: '' });
export const emptyDraft = (agentId = '', environment: Environment = 'dev'): GrantDraft => ({ agentId, environment, servers: {}, perMinute: '', burst: '', uses: '', windows: [], timeZone: '', caps: [], expiry: 'day', keptExpiresAt: null, purpose: '' });
export const emptyWindow = (): WindowDraft => ({ days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '09:00', end: '18:00' });

const lines = (text: string): string[] => text.split(/[\n,]/).map((l) => l.trim()).filter(Boolean);

function value(text: string, type: string | null): string | number | boolean {
  if (type === 'boolean' && (text === 'true' || text === 'false')) return text === 'true';
  if ((type === 'integer' || type === 'number') && /^-?\d+$/.test(text)) return Number(text);
  return text;
}

export function constraintOf(c: ConstraintDraft): ArgConstraint {
  switch (c.kind) {
    case 'path':
      return { path: { roots: lines(c.roots) } };
    case 'amount':
      return { amount: { ...(c.min.trim() ? { min: c.min.trim() } : {}), ...(c.max.trim() ? { max: c.max.trim() } : {}) } };
    case 'oneOf':
      return { oneOf: lines(c.values).map((v) => value(v, c.type)) };
    case 'pattern':
      return { pattern: c.pattern };
  }
}

/** The spec the draft stands for, exactly; validation is the control plane's (it names the bad field). */
export function draftToSpec(d: GrantDraft, now: number): GrantSpecInput {
  const servers: GrantSpecInput['servers'] = {};
  for (const [server, s] of Object.entries(d.servers)) {
    servers[server] = {
      tools: Object.fromEntries(
        Object.entries(s.tools).map(([tool, constraints]) => [tool, constraints.length > 0 ? { args: Object.fromEntries(constraints.map((c) => [c.arg.trim(), constraintOf(c)])) } : {}]),
      ),
      resources: lines(s.resources),
      prompts: lines(s.prompts),
    };
  }
  const perMinute = Number(d.perMinute);
  const uses = Number(d.uses);
  return {
    agentId: d.agentId,
    environment: d.environment,
    servers,
    envelope: {
      ...(d.perMinute.trim() && perMinute > 0 ? { rate: { perMinute, burst: Number(d.burst) > 0 ? Number(d.burst) : perMinute } } : {}),
      ...(d.uses.trim() && uses > 0 ? { uses } : {}),
      ...(d.windows.length > 0 ? { windows: d.windows.map((w) => ({ days: [...w.days], start: w.start, end: w.end })) } : {}),
      ...(d.caps.length > 0 ? { caps: d.caps.map((c) => ({ tool: c.tool, arg: c.arg.trim(), max: c.max.trim(), per: c.per })) } : {}),
      ...(d.timeZone.trim() && (d.windows.length > 0 || d.caps.length > 0) ? { timeZone: d.timeZone.trim() } : {}),
    },
    expiresAt: d.expiry === 'never' ? null : d.expiry === 'keep' ? d.keptExpiresAt : now + EXPIRY_MS[d.expiry],
    ...(d.purpose.trim() ? { purpose: d.purpose.trim() } : {}),
  };
}

function draftOf(arg: string, c: ArgConstraint): ConstraintDraft {
  const base = emptyConstraint(arg);
  if ('path' in c) return { ...base, kind: 'path', roots: c.path.roots.join('\n') };
  if ('amount' in c) return { ...base, kind: 'amount', min: c.amount.min ?? '', max: c.amount.max ?? '' };
  if ('oneOf' in c) return { ...base, kind: 'oneOf', values: c.oneOf.map(String).join('\n'), type: typeof c.oneOf[0] === 'number' ? 'integer' : typeof c.oneOf[0] === 'boolean' ? 'boolean' : 'string' };
  return { ...base, kind: 'pattern', pattern: c.pattern };
}

/** A stored grant as a draft, to narrow it: the expiry is kept unless the owner shortens it. */
export function specToDraft(spec: GrantSpec): GrantDraft {
  return {
    agentId: spec.agentId,
    environment: spec.environment,
    servers: Object.fromEntries(
      Object.entries(spec.servers).map(([server, g]) => [
        server,
        { tools: Object.fromEntries(Object.entries(g.tools).map(([tool, rule]) => [tool, Object.entries(rule.args ?? {}).map(([arg, c]) => draftOf(arg, c))])), resources: g.resources.join('\n'), prompts: g.prompts.join('\n') },
      ]),
    ),
    perMinute: spec.envelope.rate ? String(spec.envelope.rate.perMinute) : '',
    burst: spec.envelope.rate ? String(spec.envelope.rate.burst) : '',
    uses: spec.envelope.uses !== undefined ? String(spec.envelope.uses) : '',
    windows: (spec.envelope.windows ?? []).map((w) => ({ days: [...w.days], start: w.start, end: w.end })),
    timeZone: spec.envelope.timeZone ?? '',
    caps: (spec.envelope.caps ?? []).map((c) => ({ ...c })),
    expiry: 'keep',
    keptExpiresAt: spec.expiresAt,
    purpose: spec.purpose ?? '',
  };
}
