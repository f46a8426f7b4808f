// Exact decimals as the grant model writes them (bounds of amount constraints, caps) ("100", "12.5", "0.0001"): compared as integers
// of ten-thousandths, never as floats, so "0.1" + "0.2" style rounding cannot move a cap.
import { parseDecimalUnits } from '../../src-shared/decimal-units.js';

/** The amount in ten-thousandths, or null when `text` is not a non-negative grant decimal. */
export const decimalUnits = parseDecimalUnits;

function unitsOrThrow(text: string): bigint {
  const units = decimalUnits(text);
  if (units === null) throw new TypeError(`not a grant decimal: ${JSON.stringify(text)}`);
  return units;
}

/** -1, 0 or 1; both sides must already be valid grant decimals (the schema checked them). */
export function compareDecimals(a: string, b: string): -1 | 0 | 1 {
  const x = unitsOrThrow(a);
  const y = unitsOrThrow(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** The form Cedar's `decimal()` accepts: it needs a fraction, so "100" becomes "100.0". */
export function cedarDecimalText(text: string): string {
  unitsOrThrow(text);
  return text.includes('.') ? text : `${text}.0`;
}
