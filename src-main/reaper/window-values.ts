// The constrained values of one agent's allowed calls to one tool, from the distinct JSON texts of
// their `constrained` members with how many calls gave each: a text is parsed once however many
// calls repeat it, and its values count that many times.
import type { ArgPeakRow, ArgValueRow } from '../core/reaper-ports.js';

/**
 * As the policy saw them: a scalar is counted by its JSON type and value, an amount (`{ decimal }`)
 * raises that argument's peak. Arrays and nulls are neither; text that is no JSON object is skipped.
 * Rows come ordered by argument, then value as text (ties in order of first use).
 */
export function constrainedRows(actor: string, subject: string, texts: ReadonlyMap<string, number>): { values: ArgValueRow[]; peaks: ArgPeakRow[] } {
  const counts = new Map<string, Map<string, { value: string | number | boolean; calls: number }>>(); // arg → typed value → calls
  const peaks = new Map<string, number>(); // arg → peak
  for (const [json, calls] of texts) {
    let constrained: unknown;
    try {
      constrained = JSON.parse(json);
    } catch {
      continue;
    }
    if (typeof constrained !== 'object' || constrained === null || Array.isArray(constrained)) continue;
    for (const [arg, value] of Object.entries(constrained as Record<string, unknown>)) {
      if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
        let byValue = counts.get(arg);
        if (!byValue) counts.set(arg, (byValue = new Map()));
        const typed = `${typeof value}:${String(value)}`;
        const seen = byValue.get(typed);
        if (seen) seen.calls += calls;
        else byValue.set(typed, { value, calls });
      } else if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
        const decimal = (value as { decimal?: unknown }).decimal;
        if (typeof decimal !== 'string' && typeof decimal !== 'number') continue;
        // As SQLite's CAST to REAL read it: approximate, and 0 for text that is no number.
        const amount = Number(decimal);
        const peak = Number.isFinite(amount) ? amount : 0;
        const before = peaks.get(arg);
        if (before === undefined || peak > before) peaks.set(arg, peak);
      }
    }
  }
  const values: ArgValueRow[] = [];
  for (const [arg, byValue] of counts) for (const { value, calls } of byValue.values()) values.push({ actor, subject, arg, value, calls });
  values.sort((a, b) => compare(a.arg, b.arg) || compare(String(a.value), String(b.value)));
  return { values, peaks: [...peaks].sort(([a], [b]) => compare(a, b)).map(([arg, peak]) => ({ actor, subject, arg, peak })) };
}

/** As `<` orders strings (UTF-16 code units), the order every fact's rows come in. */
export const compare = (a: string, b: string): number => (a === b ? 0 : a < b ? -1 : 1);
