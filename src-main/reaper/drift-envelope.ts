// Envelope drift on one grant: the agent's rate, each tool's rate and each cumulative cap cut to
// factor × the peak used in the window. Windows are left alone: hours not used are not evidence
// that they are not needed (the off-hours anomaly watches those).
import type { Envelope } from '../../src-shared/grant.js';
import { capUsageKey } from '../core/envelope-caps.js';
import { formatUnits, parseDecimalUnits } from '../../src-shared/decimal-units.js';
import { lowerCount, lowerUnits } from './drift-headroom.js';
import type { DriftUsage } from './drift-usage.js';
import type { Narrowed } from './drift-constraints.js';

type Rate = NonNullable<Envelope['rate']>;

function lowerRate(rate: Rate, peak: number | undefined, factor: number): Rate | null {
  const perMinute = lowerCount(rate.perMinute, peak, factor);
  return perMinute === null ? null : { perMinute, burst: Math.min(rate.burst, perMinute) };
}

export function narrowEnvelope(grantId: string, actor: string, envelope: Envelope, use: DriftUsage, factor: number): Narrowed<Envelope> {
  const changes: string[] = [];
  const out: Envelope = { ...envelope };
  if (envelope.rate) {
    const peak = use.ratePeakOf(actor);
    const lower = lowerRate(envelope.rate, peak, factor);
    if (lower) {
      out.rate = lower;
      changes.push(`rate ${envelope.rate.perMinute}/min → ${lower.perMinute}/min (peak ${peak}/min)`);
    }
  }
  if (envelope.toolRates) {
    const toolRates: Record<string, Rate> = {};
    for (const [tool, rate] of Object.entries(envelope.toolRates)) {
      const peak = use.ratePeakOf(actor, tool);
      const lower = lowerRate(rate, peak, factor);
      toolRates[tool] = lower ?? rate;
      if (lower) changes.push(`${tool} rate ${rate.perMinute}/min → ${lower.perMinute}/min (peak ${peak}/min)`);
    }
    out.toolRates = toolRates;
  }
  if (envelope.caps) {
    out.caps = envelope.caps.map((cap) => {
      const peak = use.capPeaks.get(capUsageKey(grantId, cap.tool, cap.arg, cap.per));
      const max = parseDecimalUnits(cap.max);
      const lower = max === null ? null : lowerUnits(max, peak, factor);
      if (lower === null || peak === undefined) return cap;
      changes.push(`${cap.tool} ${cap.arg} cap ${cap.max}/${cap.per} → ${formatUnits(lower)}/${cap.per} (peak ${formatUnits(peak)})`);
      return { ...cap, max: formatUnits(lower) };
    });
  }
  return { value: changes.length > 0 ? out : envelope, changes };
}
