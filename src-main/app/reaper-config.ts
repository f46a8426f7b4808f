// The `reaper` object of config.json: thresholds (days, minutes) and the schedule of `serve`.
import { z } from 'zod';
import { DEFAULT_REAPER_SETTINGS, type ReaperSettings } from '../reaper/thresholds.js';

const days = z.number().positive().max(3650);
const count = z.number().int().positive().max(1_000_000);

export const reaperConfigSchema = z.strictObject({
  idleDays: days.optional(),
  decommissionDays: days.optional(),
  quarantineDays: days.optional(),
  driftWindowDays: days.optional(),
  driftHeadroomFactor: z.number().min(1).max(1000).optional(),
  retentionDays: days.optional(),
  anomaly: z
    .strictObject({
      recentMinutes: z.number().int().positive().max(7 * 24 * 60).optional(),
      baselineDays: days.optional(),
      issuanceSpikeFactor: z.number().positive().max(1000).optional(),
      issuanceSpikeMin: count.optional(),
      offHoursMinBaseline: count.optional(),
      offHoursMaxShare: z.number().positive().max(1).optional(),
      offHoursMinEvents: count.optional(),
      deniedBurstMinutes: z.number().int().positive().max(24 * 60).optional(),
      deniedBurstMin: count.optional(),
      newToolMinBaseline: count.optional(),
    })
    .optional(),
  /**
   * `serve` runs the reaper every intervalMinutes: a logged preview, or with `apply` every action
   * that is not a proposal (drift narrowings always wait for the owner).
   */
  schedule: z.strictObject({ intervalMinutes: z.number().int().positive().max(7 * 24 * 60).optional(), apply: z.boolean().optional() }).optional(),
});

export interface ReaperConfig extends ReaperSettings {
  readonly schedule: { readonly intervalMinutes: number; readonly apply: boolean };
}

export const DEFAULT_REAPER_SCHEDULE = { intervalMinutes: 60, apply: false } as const;

const defined = <T extends object>(value: T | undefined): Partial<T> => Object.fromEntries(Object.entries(value ?? {}).filter(([, v]) => v !== undefined)) as Partial<T>;

export function reaperSettingsOf(file: z.infer<typeof reaperConfigSchema> | undefined): ReaperConfig {
  const { anomaly, schedule, ...rest } = file ?? {};
  return {
    ...DEFAULT_REAPER_SETTINGS,
    ...defined(rest),
    anomaly: { ...DEFAULT_REAPER_SETTINGS.anomaly, ...defined(anomaly) },
    schedule: { ...DEFAULT_REAPER_SCHEDULE, ...defined(schedule) },
  };
}
