// Which cumulative caps of an envelope a call counts against, and how much it adds to each.
// Pure: turns (envelope, tool, amounts, now) into reservations for an EnvelopeUsageStore, or a
// refusal when the call cannot be counted honestly.
import type { ErrorCode } from '../../src-shared/errors.js';
import type { Envelope } from '../../src-shared/grant.js';
import { MAX_STORED_UNITS, formatUnits, parseDecimalUnits } from '../../src-shared/decimal-units.js';
import { periodStart, type CapPeriod } from './envelope-time.js';
import type { UsageReservation } from './ports.js';

export interface CapCharge extends UsageReservation {
  /** "cap:pay__charge.amount/day": names the cap in refusals and audit. */
  readonly rule: string;
  readonly arg: string;
  readonly per: CapPeriod;
}

export type CapPlan = { readonly ok: true; readonly charges: readonly CapCharge[] } | { readonly ok: false; readonly code: ErrorCode; readonly rule: string; readonly message: string };

export interface CapPlanInput {
  readonly grantId: string;
  readonly envelope: Envelope;
  readonly tool: string;
  readonly amounts: Readonly<Record<string, bigint>>;
  readonly now: number;
  readonly timeZone: string;
}

/**
 * Usage is keyed by grant, not by agent: a grant belongs to one agent, and anyone acting under it
 * (a delegated sub-agent) spends the same budget, so delegation cannot multiply it. JSON keeps
 * the parts apart whatever characters they contain.
 */
export const capUsageKey = (grantId: string, tool: string, arg: string, per: CapPeriod): string => JSON.stringify(['cap', grantId, tool, arg, per]);

export const ruleName = (tool: string, arg: string, per: CapPeriod): string => `cap:${tool}.${arg}/${per}`;

export function planCapCharges(input: CapPlanInput): CapPlan {
  // Two caps on the same tool, argument and period count the same total: keep the tighter
  // one, or the call would be reserved twice against one row.
  const tightest = new Map<string, { arg: string; per: CapPeriod; max: bigint }>();
  for (const cap of input.envelope.caps ?? []) {
    if (cap.tool !== input.tool) continue;
    const max = parseDecimalUnits(cap.max);
    if (max === null) return { ok: false, code: 'ERR_INVALID_INPUT', rule: ruleName(input.tool, cap.arg, cap.per), message: `The grant's cap "${cap.max}" is not a decimal amount.` };
    const id = JSON.stringify([cap.arg, cap.per]);
    const seen = tightest.get(id);
    if (!seen || max < seen.max) tightest.set(id, { arg: cap.arg, per: cap.per, max });
  }

  const charges: CapCharge[] = [];
  for (const { arg, per, max } of tightest.values()) {
    const rule = ruleName(input.tool, arg, per);
    // Own properties only: an argument called "constructor" must not find Object.prototype's.
    const units = Object.hasOwn(input.amounts, arg) ? input.amounts[arg] : undefined;
    if (units === undefined) {
      // A call the cap cannot count must not slip past it (the tool might apply its own default).
      return { ok: false, code: 'ERR_INVALID_INPUT', rule, message: `${input.tool} is capped on "${arg}", and this call carries no amount for it.` };
    }
    if (units < 0n) {
      // A negative amount would lower the total and buy room for later calls.
      return { ok: false, code: 'ERR_INVALID_INPUT', rule, message: `"${arg}" must not be negative (got ${formatUnits(units)}).` };
    }
    const maxUnits = max > MAX_STORED_UNITS ? MAX_STORED_UNITS : max;
    if (units > maxUnits) {
      return { ok: false, code: 'ERR_CAP_EXCEEDED', rule, message: `${formatUnits(units)} alone is more than the cap of ${formatUnits(max)} per ${per} on ${input.tool} "${arg}".` };
    }
    charges.push({ rule, arg, per, key: capUsageKey(input.grantId, input.tool, arg, per), periodStart: periodStart(input.now, per, input.timeZone), units, maxUnits });
  }
  return { ok: true, charges };
}
