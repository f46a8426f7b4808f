// IDLE past the decommission period → quarantine first (identity REVOKED, which revokes its
// credentials, and its grants revoked: the lifecycle has no way back from REVOKED, so that is
// the grants' suspension); REVOKED past the quarantine period → DECOMMISSIONED.
// A PROVISIONED identity that never attested is quarantined after idle + decommission periods.
import { actionId, days, grantsByAgent, lastActivityOf, type ReaperAction, type ReaperFacts } from './facts.js';

export function quarantineRule(f: ReaperFacts): ReaperAction[] {
  const grants = grantsByAgent(f.grants);
  const actions: ReaperAction[] = [];
  for (const i of f.identities) {
    if (i.state !== 'IDLE' && i.state !== 'PROVISIONED') continue;
    // updatedAt moves with the transition into IDLE (and with attestations, which are activity too).
    const since = Math.max(i.updatedAt, lastActivityOf(i));
    const threshold = i.state === 'IDLE' ? f.t.decommissionMs : f.t.idleMs + f.t.decommissionMs;
    const elapsed = f.now - since;
    if (elapsed < threshold) continue;
    const grantIds = (grants.get(i.id) ?? []).map((g) => g.id);
    actions.push({
      id: actionId('quarantine', 'quarantine', i.spiffeId, `${i.state}→REVOKED`),
      kind: 'quarantine',
      rule: 'quarantine',
      subject: i.spiffeId,
      reason: `${i.state} for ${days(elapsed)} (quarantine after ${days(threshold)}); decommissioned ${days(f.t.quarantineMs)} later`,
      evidence: { state: i.state, since, elapsedMs: elapsed, thresholdMs: threshold, lastSeenAt: i.lastSeenAt, grantIds },
      effect: { type: 'quarantine', agentId: i.id, from: i.state, grantIds },
      proposal: false,
    });
  }
  return actions;
}

export function decommissionRule(f: ReaperFacts): ReaperAction[] {
  const grants = grantsByAgent(f.grants);
  const actions: ReaperAction[] = [];
  for (const i of f.identities) {
    if (i.state !== 'REVOKED') continue;
    const elapsed = f.now - i.updatedAt;
    if (elapsed < f.t.quarantineMs) continue;
    const grantIds = (grants.get(i.id) ?? []).map((g) => g.id);
    actions.push({
      id: actionId('decommission', 'decommission', i.spiffeId, 'REVOKED→DECOMMISSIONED'),
      kind: 'decommission',
      rule: 'decommission',
      subject: i.spiffeId,
      reason: `REVOKED for ${days(elapsed)} (decommissioned after ${days(f.t.quarantineMs)})`,
      evidence: { revokedSince: i.updatedAt, elapsedMs: elapsed, thresholdMs: f.t.quarantineMs, grantIds },
      effect: { type: 'decommission', agentId: i.id, grantIds },
      proposal: false,
    });
  }
  return actions;
}
