// ACTIVE with no activity for the idle period → IDLE: no credential is issued or accepted
// (verify requires ACTIVE) until the agent attests again, which re-activates it.
import { actionId, days, lastActivityOf, type ReaperAction, type ReaperFacts } from './facts.js';

export function idleRule(f: ReaperFacts): ReaperAction[] {
  const actions: ReaperAction[] = [];
  for (const i of f.identities) {
    if (i.state !== 'ACTIVE') continue;
    const lastActivityAt = lastActivityOf(i);
    const idleFor = f.now - lastActivityAt;
    if (idleFor < f.t.idleMs) continue;
    actions.push({
      id: actionId('idle', 'idle', i.spiffeId, 'ACTIVE→IDLE'),
      kind: 'idle',
      rule: 'idle',
      subject: i.spiffeId,
      reason: `no activity for ${days(idleFor)} (idle after ${days(f.t.idleMs)})`,
      evidence: { lastActivityAt, lastSeenAt: i.lastSeenAt, lastAttestedAt: i.lastAttestedAt, createdAt: i.createdAt, idleForMs: idleFor, thresholdMs: f.t.idleMs },
      effect: { type: 'transition', agentId: i.id, from: 'ACTIVE', to: 'IDLE' },
      proposal: false,
    });
  }
  return actions;
}
