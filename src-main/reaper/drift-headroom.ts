// Headroom drift: a limit far above what the agent ever needed. A limit above factor × the peak
// used in the drift window is proposed down to factor × peak, rounded up; never raised, never
// below what was used, so the proposal stays a narrowing that the agent's real use still fits.
import { UNITS_PER_WHOLE } from '../../src-shared/decimal-units.js';

/** A lower limit, or null when the current one is within factor × peak (or nothing was used). */
export function lowerCount(limit: number, peak: number | undefined, factor: number): number | null {
  if (peak === undefined || peak <= 0) return null;
  const proposed = Math.ceil(peak * factor);
  return proposed < limit ? proposed : null;
}

/** The same for amounts in 1/10 000 units; `limit` null means unbounded. */
export function lowerUnits(limit: bigint | null, peak: bigint | undefined, factor: number): bigint | null {
  if (peak === undefined || peak <= 0n) return null;
  // factor has at most a few significant digits: scale it to an integer ratio to stay exact.
  const proposed = (peak * BigInt(Math.round(factor * 1000)) + 999n) / 1000n;
  return limit === null || proposed < limit ? proposed : null;
}

/** SQLite's REAL peak of a decimal argument, as units rounded up. */
export function unitsOfPeak(peak: number | undefined): bigint | undefined {
  if (peak === undefined || !Number.isFinite(peak) || peak < 0) return undefined;
  return BigInt(Math.ceil(peak * Number(UNITS_PER_WHOLE)));
}
