// The grant envelope, enforced on every tools/call the policy has already allowed: time
// windows, the agent's rate, the tool's rate and cumulative caps. Checking and reserving happen
// in one synchronous step, so no interleaving of concurrent calls can slip past a limit: the
// rate buckets decide within this process's single thread, and the caps decide inside the
// store's write transaction, which also holds across processes sharing the store.
import type { ErrorCode } from '../../src-shared/errors.js';
import type { Envelope } from '../../src-shared/grant.js';
import { formatUnits } from '../../src-shared/decimal-units.js';
import { planCapCharges, type CapCharge } from '../core/envelope-caps.js';
import { DEFAULT_TIME_ZONE, assertTimeZone, describeLocalTime, isWithinWindows } from '../core/envelope-time.js';
import { isCharonError } from '../core/errors.js';
import type { EnvelopeUsageStore, RateLimitStore } from '../core/ports.js';
import type { RateLimit } from '../core/token-bucket.js';
import { MemoryRateLimits } from './memory-rate-limits.js';

export interface AdmitRequest {
  readonly agentId: string;
  readonly grantId: string;
  readonly envelope: Envelope;
  /** `server__tool`. */
  readonly tool: string;
  /** Amount arguments by dotted path, in 1/10 000 units, already parsed strictly. */
  readonly amounts: Readonly<Record<string, bigint>>;
  readonly now: number;
}

/** The call may go ahead. Exactly one of commit/release takes effect; later calls of either do nothing. */
export interface Admission {
  readonly ok: true;
  /** The call was forwarded: its tokens and amounts stay spent. */
  commit(): void;
  /** The call was not forwarded (a later check refused it): give its tokens and amounts back. */
  release(): void;
}

export interface Refusal {
  readonly ok: false;
  readonly code: ErrorCode;
  readonly message: string;
  /** Which rule fired: "window", "rate:agent", "rate:tool:<server__tool>", "cap:<server__tool>.<arg>/<period>", "timeZone". */
  readonly rule: string;
  /** For rate refusals: when one token will be back (HTTP Retry-After). */
  readonly retryAfterMs?: number;
}

export interface EnvelopeEnforcerOptions {
  /** Cap totals: shared by every gateway process on the same data. */
  readonly usage: EnvelopeUsageStore;
  /** Rate buckets; defaults to this process's memory, so rates are per gateway process. */
  readonly rateLimits?: RateLimitStore;
}

// Keyed by grant, not agent: a grant belongs to one agent, and a sub-agent acting under it
// spends the same budget, so delegating cannot multiply the rate.
const agentRateKey = (grantId: string): string => JSON.stringify(['rate', grantId]);
const toolRateKey = (grantId: string, tool: string): string => JSON.stringify(['rate', grantId, tool]);

export class EnvelopeEnforcer {
  readonly #usage: EnvelopeUsageStore;
  readonly #rates: RateLimitStore;

  constructor(options: EnvelopeEnforcerOptions) {
    this.#usage = options.usage;
    this.#rates = options.rateLimits ?? new MemoryRateLimits();
  }

  /**
   * Admits the call and reserves what it spends, or refuses it and spends nothing. Throws only
   * when the store fails (e.g. ERR_STORE_BUSY); nothing stays reserved then either.
   */
  admit(request: AdmitRequest): Admission | Refusal {
    const { envelope, now, tool, grantId } = request;
    const timeZone = envelope.timeZone ?? DEFAULT_TIME_ZONE;
    try {
      assertTimeZone(timeZone);
    } catch (error) {
      // A grant whose zone this runtime does not know cannot be enforced: refuse, do not guess UTC.
      if (isCharonError(error)) return refuse(error.code, 'timeZone', error.message);
      throw error;
    }

    if (envelope.windows !== undefined && !isWithinWindows(now, envelope.windows, timeZone)) {
      return refuse('ERR_OUTSIDE_TIME_WINDOW', 'window', `Outside the grant's time windows (it is ${describeLocalTime(now, timeZone)}).`);
    }

    // Planned before any token is taken, so a call refused for its amount costs no rate.
    const plan = planCapCharges({ grantId, envelope, tool, amounts: request.amounts, now, timeZone });
    if (!plan.ok) return refuse(plan.code, plan.rule, plan.message);

    const taken: { key: string; limit: RateLimit }[] = [];
    const giveBackTokens = (): void => {
      for (const t of taken.splice(0)) this.#rates.giveBack(t.key, t.limit);
    };
    const rates: { key: string; limit: RateLimit | undefined; rule: string; who: string }[] = [
      { key: agentRateKey(grantId), limit: envelope.rate, rule: 'rate:agent', who: `agent ${request.agentId}` },
      {
        key: toolRateKey(grantId, tool),
        // Own properties only: a tool named "constructor" must not find Object.prototype's.
        limit: envelope.toolRates && Object.hasOwn(envelope.toolRates, tool) ? envelope.toolRates[tool] : undefined,
        rule: `rate:tool:${tool}`,
        who: tool,
      },
    ];
    for (const { key, limit, rule, who } of rates) {
      if (!limit) continue;
      const result = this.#rates.take(key, limit, now);
      if (!result.ok) {
        giveBackTokens();
        const seconds = Math.max(1, Math.ceil(result.retryAfterMs / 1000));
        return refuse('ERR_RATE_LIMITED', rule, `Rate limit for ${who} (${limit.perMinute}/min, burst ${limit.burst}) reached; retry in ${seconds} s.`, result.retryAfterMs);
      }
      taken.push({ key, limit });
    }

    // A grant of N uses counts every call it admits, however long it lives (the same atomic store as caps).
    const uses = envelope.uses === undefined ? null : { rule: 'uses', key: JSON.stringify(['uses', grantId]), periodStart: 0, units: 1n, maxUnits: BigInt(envelope.uses) };
    const charges: (CapCharge | NonNullable<typeof uses>)[] = uses ? [...plan.charges, uses] : [...plan.charges];
    if (charges.length > 0) {
      let reserved: ReturnType<EnvelopeUsageStore['reserve']>;
      try {
        reserved = this.#usage.reserve(charges);
      } catch (error) {
        giveBackTokens();
        throw error;
      }
      if (!reserved.ok) {
        giveBackTokens();
        const charge = charges[reserved.failed];
        if (charge === uses || !charge || !('per' in charge)) return refuse('ERR_GRANT_USED_UP', 'uses', `This grant allowed ${envelope.uses ?? 0} call(s) in all, and they are used: ask again.`);
        return refuse('ERR_CAP_EXCEEDED', charge.rule, this.#capMessage(charge, tool, timeZone));
      }
    }

    let settled = false;
    return {
      ok: true,
      commit: () => {
        settled = true;
      },
      release: () => {
        // Once only: a second release must not hand back units a later call has since spent.
        if (settled) return;
        settled = true;
        giveBackTokens();
        // If the store fails here the units stay counted: the error errs towards the owner's budget.
        if (charges.length > 0) this.#usage.release(charges);
      },
    };
  }

  #capMessage(charge: CapCharge, tool: string, timeZone: string): string {
    const used = this.#usage.used(charge.key, charge.periodStart);
    return `Cap on ${tool} "${charge.arg}" of ${formatUnits(charge.maxUnits)} per ${charge.per} (${timeZone}) reached: ${formatUnits(used)} used, this call ${formatUnits(charge.units)}.`;
  }
}

function refuse(code: ErrorCode, rule: string, message: string, retryAfterMs?: number): Refusal {
  return retryAfterMs === undefined ? { ok: false, code, rule, message } : { ok: false, code, rule, message, retryAfterMs };
}
