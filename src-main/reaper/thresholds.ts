// The reaper's thresholds, in milliseconds (config.json gives days and minutes: see app/config.ts).
export const DAY_MS = 24 * 3_600_000;
export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;

export interface AnomalyThresholds {
  /** The window whose behaviour is compared against the baseline before it. */
  readonly recentMs: number;
  /** How far before the recent window the agent's own baseline reaches. */
  readonly baselineMs: number;
  /** Issuances in the recent window ≥ factor × the baseline's rate over a window of the same length … */
  readonly issuanceSpikeFactor: number;
  /** … and at least this many. */
  readonly issuanceSpikeMin: number;
  /** Off-hours needs this many gateway calls in the baseline to know the agent's usual hours. */
  readonly offHoursMinBaseline: number;
  /** An hour (UTC) is unusual when its share of the baseline's calls is below this. */
  readonly offHoursMaxShare: number;
  /** Calls in unusual hours in the recent window before it is flagged. */
  readonly offHoursMinEvents: number;
  /** Denied gateway calls within this window … */
  readonly deniedBurstMs: number;
  /** … at least this many are a burst. */
  readonly deniedBurstMin: number;
  /** New-tool needs this many baseline calls (a new agent's every tool is new). */
  readonly newToolMinBaseline: number;
}

export interface ReaperThresholds {
  /** ACTIVE without activity this long → IDLE. */
  readonly idleMs: number;
  /** IDLE this long (PROVISIONED: idle + this, never attested) → quarantine (REVOKED, grants revoked). */
  readonly decommissionMs: number;
  /** REVOKED this long → DECOMMISSIONED. */
  readonly quarantineMs: number;
  /** A granted tool with no allowed call in this window (on a grant at least this old) → narrowing proposal. */
  readonly driftWindowMs: number;
  /**
   * Headroom drift: a limit (amount max, rate, cumulative cap) above this many times the peak
   * the agent used in the drift window is proposed down to that many times the peak.
   */
  readonly driftHeadroomFactor: number;
  /** Attestations, join tokens and credentials expired this long ago are deleted. */
  readonly retentionMs: number;
  readonly anomaly: AnomalyThresholds;
}

/** The settings as config.json spells them. */
export interface ReaperSettings {
  readonly idleDays: number;
  readonly decommissionDays: number;
  readonly quarantineDays: number;
  readonly driftWindowDays: number;
  readonly driftHeadroomFactor: number;
  readonly retentionDays: number;
  readonly anomaly: {
    readonly recentMinutes: number;
    readonly baselineDays: number;
    readonly issuanceSpikeFactor: number;
    readonly issuanceSpikeMin: number;
    readonly offHoursMinBaseline: number;
    readonly offHoursMaxShare: number;
    readonly offHoursMinEvents: number;
    readonly deniedBurstMinutes: number;
    readonly deniedBurstMin: number;
    readonly newToolMinBaseline: number;
  };
}

export const DEFAULT_REAPER_SETTINGS: ReaperSettings = {
  idleDays: 14,
  decommissionDays: 30,
  quarantineDays: 7,
  driftWindowDays: 30,
  driftHeadroomFactor: 4,
  retentionDays: 7,
  anomaly: {
    recentMinutes: 60,
    baselineDays: 14,
    issuanceSpikeFactor: 5,
    issuanceSpikeMin: 20,
    offHoursMinBaseline: 50,
    offHoursMaxShare: 0.01,
    offHoursMinEvents: 3,
    deniedBurstMinutes: 10,
    deniedBurstMin: 10,
    newToolMinBaseline: 50,
  },
};

export function thresholdsOf(s: ReaperSettings): ReaperThresholds {
  const a = s.anomaly;
  return {
    idleMs: s.idleDays * DAY_MS,
    decommissionMs: s.decommissionDays * DAY_MS,
    quarantineMs: s.quarantineDays * DAY_MS,
    driftWindowMs: s.driftWindowDays * DAY_MS,
    driftHeadroomFactor: s.driftHeadroomFactor,
    retentionMs: s.retentionDays * DAY_MS,
    anomaly: {
      recentMs: a.recentMinutes * MINUTE_MS,
      baselineMs: a.baselineDays * DAY_MS,
      issuanceSpikeFactor: a.issuanceSpikeFactor,
      issuanceSpikeMin: a.issuanceSpikeMin,
      offHoursMinBaseline: a.offHoursMinBaseline,
      offHoursMaxShare: a.offHoursMaxShare,
      offHoursMinEvents: a.offHoursMinEvents,
      deniedBurstMs: a.deniedBurstMinutes * MINUTE_MS,
      deniedBurstMin: a.deniedBurstMin,
      newToolMinBaseline: a.newToolMinBaseline,
    },
  };
}

export const DEFAULT_THRESHOLDS: ReaperThresholds = thresholdsOf(DEFAULT_REAPER_SETTINGS);
