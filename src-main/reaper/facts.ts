// What the rules read: a snapshot of the inventory and of the audit log's windows at `now`.
// Rules are pure functions of it, so preview and run (which gathers it again inside its
// transaction) decide alike.
import { createHash } from 'node:crypto';
import type { ReaperActionDto, ReaperActionKind } from '../../src-shared/reaper.js';
import type { AgentHours, ArgPeakRow, ArgValueRow, DeniedRow, IssuanceRow, OwnerRecord, RatePeakRow, ToolUseRow } from '../core/reaper-ports.js';
import type { GrantRecord, IdentityRecord } from '../core/records.js';
import type { ReaperThresholds } from './thresholds.js';

export type ReaperAction = ReaperActionDto;

/**
 * The delegated descendants of an agent, which an orphan takes with it: the agents holding
 * authority it delegated (RFC 8693), directly or further down. The app wires delegation's
 * lookup (app/reaper-wiring.ts); the default, for rules tested alone, finds none.
 */
export type OrphanCascade = (agentId: string) => readonly string[];
export const noDelegation: OrphanCascade = () => [];

export interface ReaperFacts {
  readonly now: number;
  readonly t: ReaperThresholds;
  /** Every identity that is not DECOMMISSIONED. */
  readonly identities: readonly IdentityRecord[];
  readonly owners: ReadonlyMap<string, OwnerRecord>;
  /** Grants stored ACTIVE (some may be past expiry). */
  readonly grants: readonly GrantRecord[];
  /** gateway.decision since the start of the longest lookback (drift window or anomaly baseline). */
  readonly toolUse: readonly ToolUseRow[];
  /** Constrained argument values of allowed calls in the drift window (tools some grant constrains). */
  readonly argValues: readonly ArgValueRow[];
  readonly argPeaks: readonly ArgPeakRow[];
  /** Peak allowed calls per minute in the drift window, per agent and per agent and tool. */
  readonly ratePeaks: readonly RatePeakRow[];
  /** Peak period total per cumulative-cap usage key (core/envelope-caps.ts capUsageKey) in the drift window. */
  readonly capPeaks: ReadonlyMap<string, bigint>;
  readonly hours: readonly AgentHours[];
  readonly issuance: readonly IssuanceRow[];
  readonly denied: readonly DeniedRow[];
  /** Anomaly action ids already recorded in their window. */
  readonly flagged: ReadonlySet<string>;
  readonly dead: { readonly attestations: number; readonly joinTokens: number; readonly credentials: number };
  readonly cascade: OrphanCascade;
}

/** The windows the facts cover, from the thresholds. */
export function windowsOf(now: number, t: ReaperThresholds): { recentStart: number; baselineStart: number; lookbackStart: number; burstStart: number; driftStart: number } {
  const recentStart = now - t.anomaly.recentMs;
  const baselineStart = recentStart - t.anomaly.baselineMs;
  const driftStart = now - t.driftWindowMs;
  return { recentStart, baselineStart, driftStart, lookbackStart: Math.min(driftStart, baselineStart), burstStart: now - t.anomaly.deniedBurstMs };
}

/** Stable across preview and run: what the action is about, never when it was computed (anomalies name their window). */
export function actionId(kind: ReaperActionKind, rule: string, subject: string, fingerprint: string): string {
  return `rpa_${createHash('sha256').update(JSON.stringify([kind, rule, subject, fingerprint])).digest('hex').slice(0, 24)}`;
}

/** The latest sign of life: registration, attestation, or an authenticated request. */
export const lastActivityOf = (i: IdentityRecord): number => Math.max(i.createdAt, i.lastAttestedAt ?? 0, i.lastSeenAt ?? 0);

export const days = (ms: number): string => `${+(ms / 86_400_000).toFixed(2)} days`;

export function grantsByAgent(grants: readonly GrantRecord[]): Map<string, GrantRecord[]> {
  const map = new Map<string, GrantRecord[]>();
  for (const g of grants) {
    const list = map.get(g.agentId);
    if (list) list.push(g);
    else map.set(g.agentId, [g]);
  }
  return map;
}

export const liveIdentity = (i: IdentityRecord): boolean => i.state === 'ACTIVE' || i.state === 'IDLE';
