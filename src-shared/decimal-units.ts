// Amounts as exact integers of 1/10 000 (Cedar's decimal has 4 fraction digits): sums of money
// must not pick up binary floating-point error, and a cap of 100.00 must admit exactly 100.00.

export const UNITS_PER_WHOLE = 10_000n;

/** The largest total SQLite's INTEGER (signed 64-bit) can hold; caps above it are clamped to it. */
export const MAX_STORED_UNITS = 2n ** 63n - 1n;

// ASCII [0-9] on purpose, not a Unicode digit class; at most 15 integer digits. `$` without the
// `m` flag matches only at the very end, so a trailing newline is refused too.
const DECIMAL = /^(0|[1-9][0-9]{0,14})(?:\.([0-9]{1,4}))?$/;

/** "100.00" → 1 000 000n. Returns null for anything that is not the grant schema's decimal. */
export function parseDecimalUnits(text: string): bigint | null {
  const match = DECIMAL.exec(text);
  if (!match) return null;
  const fraction = (match[2] ?? '').padEnd(4, '0');
  return BigInt(match[1] as string) * UNITS_PER_WHOLE + BigInt(fraction);
}

/** 1 000 000n → "100.0000": always four places, so the owner sees the exact value counted. */
export function formatUnits(units: bigint): string {
  const sign = units < 0n ? '-' : '';
  const abs = units < 0n ? -units : units;
  return `${sign}${abs / UNITS_PER_WHOLE}.${(abs % UNITS_PER_WHOLE).toString().padStart(4, '0')}`;
}
