// Anomalies flag an agent with evidence (a reaper.anomaly record). Each is flagged once per
// window: its id names the window, and ids already in the audit log are left out. Whether it
// also suspends the agent is decided by the plan (its owner's autoSuspend setting).
import type { AnomalyKind } from '../../src-shared/reaper.js';
import type { IdentityRecord } from '../core/records.js';
import { actionId, liveIdentity, type ReaperAction, type ReaperFacts } from './facts.js';

export function anomaly(f: ReaperFacts, kind: AnomalyKind, identity: IdentityRecord, windowMs: number, reason: string, evidence: Record<string, unknown>): ReaperAction | null {
  const windowStart = Math.floor(f.now / windowMs) * windowMs;
  const id = actionId('anomaly', `anomaly.${kind}`, identity.spiffeId, String(windowStart));
  if (f.flagged.has(id)) return null;
  return {
    id,
    kind: 'anomaly',
    rule: `anomaly.${kind}`,
    subject: identity.spiffeId,
    reason,
    evidence,
    effect: { type: 'flag', agentId: identity.id, anomaly: kind, suspend: false },
    proposal: false,
  };
}

/** Live identities (ACTIVE or IDLE) by SPIFFE id: the actor of gateway decisions and subject of issuances. */
export function liveBySpiffeId(f: ReaperFacts): ReadonlyMap<string, IdentityRecord> {
  // Every anomaly rule asks; the facts are a snapshot, so once per snapshot.
  let live = liveOf.get(f);
  if (!live) liveOf.set(f, (live = new Map(f.identities.filter(liveIdentity).map((i) => [i.spiffeId, i]))));
  return live;
}
const liveOf = new WeakMap<ReaperFacts, ReadonlyMap<string, IdentityRecord>>();

/** Baseline gateway calls per agent (SPIFFE id), from the hour rows. */
export function baselineCalls(f: ReaperFacts): Map<string, number> {
  const calls = new Map<string, number>();
  for (const row of f.hours) calls.set(row.actor, row.baseline.reduce((sum, n) => sum + n, 0));
  return calls;
}
