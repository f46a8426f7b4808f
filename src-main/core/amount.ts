// Strict parsing of amount arguments (DESIGN.md §5.5). An amount is checked as an exact integer
// of 1/10 000 (Cedar's decimal has 4 fraction digits), never as a float, and only written forms
// that every JSON reader understands the same way are accepted: no exponent, hex, sign,
// whitespace, separators or non-ASCII digits, which some readers accept and others read differently.
import { MAX_STORED_UNITS, parseDecimalUnits, UNITS_PER_WHOLE } from '../../src-shared/decimal-units.js';
import { CharonError } from './errors.js';

export { UNITS_PER_WHOLE };

export interface Amount {
  /** The value in ten-thousandths: 12.5 is 125 000n. */
  readonly units: bigint;
  /** Canonical plain decimal: no leading zeros, no trailing fraction zeros ("12.5", "100", "0"). */
  readonly text: string;
}

/**
 * Cedar's decimal is a signed 64-bit count of ten-thousandths (922337203685477.5807). A larger
 * value would make the policy evaluation fail, and Cedar skips a `forbid` whose condition errors:
 * refusing it here keeps such values from slipping past a forbid.
 */
export const MAX_AMOUNT_UNITS = MAX_STORED_UNITS;

function refuse(name: string, why: string): CharonError {
  return new CharonError('ERR_ARGUMENT_INVALID', `${name} ${why}`);
}

/** A short, escaped excerpt of the refused text: enough to recognise, never a whole payload. */
function excerpt(text: string): string {
  return JSON.stringify(text.length > 24 ? `${text.slice(0, 24)}…` : text);
}

function parseText(text: string, name: string): Amount {
  // The only accepted written form is the grant schema's decimal (see decimal-units.ts).
  const units = parseDecimalUnits(text);
  if (units === null) {
    throw refuse(name, `must be a plain non-negative decimal with at most 15 integer and 4 fraction digits, like "12.50" (got ${excerpt(text)})`);
  }
  if (units > MAX_AMOUNT_UNITS) throw refuse(name, 'is larger than the policy engine can represent (922337203685477.5807)');
  return { units, text: formatAmount(units) };
}

function parseNumber(value: number, name: string): Amount {
  if (!Number.isFinite(value)) throw refuse(name, 'must be a finite number');
  // -0 passes `>= 0`; it is refused with the other negatives so that no sign is ever accepted.
  if (value < 0 || Object.is(value, -0)) throw refuse(name, 'must not be negative');
  if (value >= 1e15) throw refuse(name, 'must be below 1e15');
  // String() gives the shortest decimal that reads back as this very double, which is also what
  // JSON.stringify sends downstream: the value checked is the value the server will read. A
  // double with more than 4 fraction digits (0.1 + 0.2, 1e-7) fails the pattern and is refused.
  const text = String(value);
  if (parseDecimalUnits(text) === null) throw refuse(name, 'must have at most 4 fraction digits');
  return parseText(text, name);
}

/**
 * Parse an untrusted amount: a JSON number, or a string in plain decimal notation. Booleans,
 * null, arrays, objects and bigints are refused. `name` labels the error message (the argument path).
 */
export function parseAmount(value: unknown, name = 'amount'): Amount {
  if (typeof value === 'string') return parseText(value, name);
  if (typeof value === 'number') return parseNumber(value, name);
  const kind = value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
  throw refuse(name, `must be a number or a decimal string, not ${kind}`);
}

/** 125 000n → "12.5". The inverse of parsing: parseAmount(formatAmount(u)).units === u. */
export function formatAmount(units: bigint): string {
  if (units < 0n || units > MAX_AMOUNT_UNITS) throw new TypeError('formatAmount: units out of range');
  const whole = units / UNITS_PER_WHOLE;
  const fraction = (units % UNITS_PER_WHOLE).toString().padStart(4, '0').replace(/0+$/, '');
  return fraction === '' ? whole.toString() : `${whole}.${fraction}`;
}

/** The literal Cedar's `decimal()` accepts: it requires a fraction, so 100 is "100.0000". */
export function cedarDecimalLiteral(amount: Amount): string {
  return `${amount.units / UNITS_PER_WHOLE}.${(amount.units % UNITS_PER_WHOLE).toString().padStart(4, '0')}`;
}

export function compareAmounts(a: Amount, b: Amount): -1 | 0 | 1 {
  return a.units < b.units ? -1 : a.units > b.units ? 1 : 0;
}

/** Inclusive bounds, each optional: min <= amount <= max. */
export function isAmountWithin(amount: Amount, bounds: { readonly min?: Amount | undefined; readonly max?: Amount | undefined }): boolean {
  if (bounds.min !== undefined && amount.units < bounds.min.units) return false;
  if (bounds.max !== undefined && amount.units > bounds.max.units) return false;
  return true;
}
