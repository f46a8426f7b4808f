// The grant an owner approves for an agent: what it may call, with which arguments, within
// which envelope. Validated at every boundary with these schemas; compiled to Cedar policies.
import { z } from 'zod';
import { ENVIRONMENTS } from './domain.js';
import { idSchema } from './schemas.js';

/** Separates server and tool in the aggregated namespace: `files__read_file`. */
export const TOOL_SEPARATOR = '__';

/** A downstream server name: also the prefix of its tools, so it can never contain the separator. */
export const serverNameSchema = z.string().regex(/^[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?$/, 'must be 1-32 characters of a-z, 0-9 and "-", not starting or ending with "-"');

/** A tool or prompt name as MCP servers define them. */
export const toolNameSchema = z.string().regex(/^[A-Za-z0-9_.-]{1,128}$/, 'must be 1-128 characters of A-Z, a-z, 0-9, "_", "." or "-"');

/**
 * A dotted path into nested arguments: `path`, `options.target`; `*` stands for every element of
 * an array (`paths.*`, `edits.*.path`), at most once and never first.
 */
export const argPathSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}(?:\.(?:[A-Za-z0-9_-]{1,64}|\*)){0,7}$/, 'must be dotted segments of A-Z, a-z, 0-9, "_" or "-", or "*" for every element of an array')
  .refine((p) => p.split('.').filter((s) => s === '*').length <= 1, 'may hold "*" once')
  // Names JavaScript resolves through the prototype chain can never be constrained reliably.
  .refine((p) => !p.split('.').some((s) => s === '__proto__' || s === 'constructor' || s === 'prototype'), 'must not name __proto__, constructor or prototype');

/** A decimal amount, written exactly: digits, optional fraction up to 4 places (Cedar's decimal). */
export const decimalSchema = z
  .string()
  .regex(/^(?:0|[1-9][0-9]{0,14})(?:\.[0-9]{1,4})?$/, 'must be a non-negative decimal with at most 4 fraction digits, e.g. "100.00"')
  // Cedar's decimal holds at most 922337203685477.5807; a larger cap could not be evaluated.
  .refine((d) => Number(d.split('.')[0]) <= 922_337_203_685_476, 'must be at most 922337203685476');

export const argConstraintSchema = z.union([
  /** The argument is a filesystem path that must resolve inside one of these absolute roots. */
  z.strictObject({ path: z.strictObject({ roots: z.array(z.string().min(1).max(4096).regex(/^\//, 'must be an absolute path')).min(1).max(16) }) }),
  /** The argument is an amount within [min, max]. */
  z.strictObject({ amount: z.strictObject({ min: decimalSchema.optional(), max: decimalSchema.optional() }) }),
  /** The argument is one of these values. */
  z.strictObject({ oneOf: z.array(z.union([z.string().max(1024), z.number(), z.boolean()])).min(1).max(256) }),
  /** The argument is a string matching this glob (`*` matches any run of characters). */
  z.strictObject({ pattern: z.string().min(1).max(1024) }),
]);

export const toolRuleSchema = z.strictObject({
  args: z.record(argPathSchema, argConstraintSchema).optional(),
});

export const serverGrantSchema = z.strictObject({
  tools: z.record(toolNameSchema, toolRuleSchema).default({}),
  /** Resource URIs the agent may list and read, as globs (`file:///data/*`). */
  resources: z.array(z.string().min(1).max(2048)).max(64).default([]),
  /** Prompt names the agent may list and get. */
  prompts: z.array(toolNameSchema).max(256).default([]),
});

export const rateSchema = z.strictObject({
  perMinute: z.number().int().positive().max(100_000),
  burst: z.number().int().positive().max(100_000),
});

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
const hhmm = z.string().regex(/^(?:[01][0-9]|2[0-3]):[0-5][0-9]$/, 'must be HH:MM (24 h)');

export const envelopeSchema = z.strictObject({
  /** IANA time zone of the windows and cap periods, e.g. "Europe/Paris"; default UTC. */
  timeZone: z.string().max(64).optional(),
  /** All calls of this agent under this grant. */
  rate: rateSchema.optional(),
  /** Per tool, keyed `server__tool`. */
  toolRates: z.record(z.string().max(200), rateSchema).optional(),
  /** Calls are allowed only inside one of these windows (end exclusive; end < start wraps midnight). */
  windows: z.array(z.strictObject({ days: z.array(z.enum(WEEKDAYS)).min(1), start: hhmm, end: hhmm })).max(16).optional(),
  /** At most this many calls under this grant, ever (a just-in-time "this call only" grant has 1). */
  uses: z.number().int().positive().max(10_000).optional(),
  /** Cumulative caps: the sum of an amount argument over a calendar period. */
  caps: z.array(z.strictObject({ tool: z.string().max(200), arg: argPathSchema, max: decimalSchema, per: z.enum(['hour', 'day', 'week']) })).max(32).optional(),
});

export const grantSpecSchema = z.strictObject({
  agentId: idSchema,
  environment: z.enum(ENVIRONMENTS),
  servers: z.record(serverNameSchema, serverGrantSchema),
  envelope: envelopeSchema.default({}),
  /** Epoch milliseconds; none means until revoked. */
  expiresAt: z.number().int().positive().nullable().default(null),
  purpose: z.string().max(500).optional(),
});

export type ArgConstraint = z.infer<typeof argConstraintSchema>;
export type ToolRule = z.infer<typeof toolRuleSchema>;
export type ServerGrant = z.infer<typeof serverGrantSchema>;
export type Envelope = z.infer<typeof envelopeSchema>;
export type GrantSpec = z.infer<typeof grantSpecSchema>;
export type GrantSpecInput = z.input<typeof grantSpecSchema>;

export const GRANT_STATES = ['ACTIVE', 'REVOKED', 'EXPIRED'] as const;
export type GrantState = (typeof GRANT_STATES)[number];

export interface GrantDto {
  readonly id: string;
  readonly spec: GrantSpec;
  readonly state: GrantState;
  /** SHA-256 of the canonical JSON of `spec`: what an approval signs. */
  readonly specHash: string;
  readonly createdAt: number;
  readonly createdBy: string;
  readonly updatedAt: number;
  readonly revokedAt: number | null;
}
