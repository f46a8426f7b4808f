// Cleanup: attestations, join tokens and credentials that expired more than the retention
// period ago are deleted; grants past their expiry are stored EXPIRED. Audit records never go.
import type { CleanupTarget } from '../../src-shared/reaper.js';
import { actionId, days, type ReaperAction, type ReaperFacts } from './facts.js';

export function cleanupRule(f: ReaperFacts, skipAgents: ReadonlySet<string> = new Set()): ReaperAction[] {
  const cutoff = f.now - f.t.retentionMs;
  const actions: ReaperAction[] = [];
  const rows: [CleanupTarget, number, string][] = [
    ['attestations', f.dead.attestations, 'attestation records'],
    ['join-tokens', f.dead.joinTokens, 'join tokens'],
    ['credentials', f.dead.credentials, 'credential records'],
  ];
  for (const [target, count, what] of rows) {
    if (count === 0) continue;
    actions.push({
      id: actionId('cleanup', 'cleanup', target, ''),
      kind: 'cleanup',
      rule: 'cleanup',
      subject: `store:${target}`,
      reason: `${count} ${what} expired more than ${days(f.t.retentionMs)} ago`,
      evidence: { expiredAtOrBefore: cutoff, count },
      effect: { type: 'cleanup', target, cutoff, count },
      proposal: false,
    });
  }
  // Grants of agents leaving in this run are revoked by their lifecycle action instead.
  const expired = f.grants.filter((g) => g.expiresAt !== null && g.expiresAt <= f.now && !skipAgents.has(g.agentId)).map((g) => g.id);
  if (expired.length > 0) {
    actions.push({
      id: actionId('cleanup', 'cleanup', 'grants', ''),
      kind: 'cleanup',
      rule: 'cleanup',
      subject: 'store:grants',
      reason: `${expired.length} grant(s) past their expiry are stored EXPIRED`,
      evidence: { grantIds: expired },
      effect: { type: 'cleanup', target: 'grants', cutoff: f.now, count: expired.length, ids: expired },
      proposal: false,
    });
  }
  return actions;
}
