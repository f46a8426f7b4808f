// Turns the gateway's normalized arguments into Cedar context values. Anything Cedar could
// not represent exactly is reported, and the request is denied rather than approximated.
import type { CedarValueJson } from '@cedar-policy/cedar-wasm/nodejs';
import { normalizeAbsolutePath } from '../core/grant-paths.js';
import type { ArgConstraint } from '../../src-shared/grant.js';

/** A normalized argument: amounts as `{ decimal: "12.5" }`, parsed strictly by the gateway first. */
export type ArgValue = string | number | boolean | { readonly decimal: string };

/** A plain decimal as amount parsers print it ("12.5", "100", "-3.25"); Cedar needs the fraction, added below. */
const PLAIN_DECIMAL = /^-?(?:0|[1-9][0-9]{0,14})(?:\.[0-9]{1,4})?$/;

export type ArgsContext = { ok: true; value: Record<string, CedarValueJson> } | { ok: false; reason: string };

/**
 * Builds `context.args`. `constraints` tells which args are path-constrained: their values
 * must already be in lexical normal form, a last check that the caller really resolved them.
 */
export function argsContext(args: Readonly<Record<string, unknown>>, constraints: ReadonlyMap<string, readonly ArgConstraint[]>): ArgsContext {
  const value: Record<string, CedarValueJson> = {};
  for (const [path, raw] of Object.entries(args)) {
    if (typeof raw === 'string') {
      const isPath = constraints.get(path)?.some((c) => 'path' in c) ?? false;
      if (isPath && normalizeAbsolutePath(raw) !== raw) return { ok: false, reason: `argument ${path} is not a resolved absolute path` };
      value[path] = raw;
    } else if (typeof raw === 'boolean') {
      value[path] = raw;
    } else if (typeof raw === 'number') {
      // Cedar longs are integers; a fraction here would be an un-normalized amount.
      if (!Number.isSafeInteger(raw)) return { ok: false, reason: `argument ${path} is not an integer; amounts must be passed as { decimal }` };
      value[path] = raw;
    } else if (isDecimal(raw)) {
      if (!PLAIN_DECIMAL.test(raw.decimal)) return { ok: false, reason: `argument ${path} is not a normalized decimal` };
      value[path] = { __extn: { fn: 'decimal', arg: raw.decimal.includes('.') ? raw.decimal : `${raw.decimal}.0` } };
    } else {
      return { ok: false, reason: `argument ${path} is not a normalized value` };
    }
  }
  return { ok: true, value };
}

function isDecimal(raw: unknown): raw is { decimal: string } {
  return typeof raw === 'object' && raw !== null && !Array.isArray(raw) && Object.keys(raw).length === 1 && typeof (raw as { decimal?: unknown }).decimal === 'string';
}
