// The plan: every rule's actions, made consistent. One lifecycle action per identity (orphan
// before quarantine before decommission before idle); agents leaving are neither narrowed nor
// suspended, and their grants are revoked rather than cleaned up; at most one anomaly per agent
// suspends it (ACTIVE → IDLE), and only if its owner asked for that.
import { deniedBurstRule } from './anomaly-denied-burst.js';
import { environmentJumpRule } from './anomaly-environment-jump.js';
import { issuanceSpikeRule } from './anomaly-issuance-spike.js';
import { newToolRule } from './anomaly-new-tool.js';
import { offHoursRule } from './anomaly-off-hours.js';
import type { ReaperAction, ReaperFacts } from './facts.js';
import { cleanupRule } from './rule-cleanup.js';
import { decommissionRule, quarantineRule } from './rule-decommission.js';
import { driftRule } from './rule-drift.js';
import { idleRule } from './rule-idle.js';
import { orphanRule } from './rule-orphan.js';

export const anomalyRules = [issuanceSpikeRule, offHoursRule, environmentJumpRule, deniedBurstRule, newToolRule] as const;

const agentOf = (a: ReaperAction): string | null => ('agentId' in a.effect ? a.effect.agentId : null);

export function planActions(f: ReaperFacts): ReaperAction[] {
  const lifecycle: ReaperAction[] = [];
  const moving = new Set<string>();
  for (const action of [...orphanRule(f), ...quarantineRule(f), ...decommissionRule(f), ...idleRule(f)]) {
    const agent = agentOf(action) as string;
    if (moving.has(agent)) continue;
    moving.add(agent);
    lifecycle.push(action);
  }
  // Orphans' descendants leave too.
  for (const action of lifecycle) if (action.effect.type === 'orphan') for (const d of action.effect.cascade) moving.add(d);
  const leaving = new Set(lifecycle.filter((a) => a.effect.type !== 'transition').map((a) => agentOf(a) as string));
  for (const action of lifecycle) if (action.effect.type === 'orphan') for (const d of action.effect.cascade) leaving.add(d);

  const drift = driftRule(f).filter((a) => !leaving.has(agentOf(a) as string));

  const byId = new Map(f.identities.map((i) => [i.id, i]));
  const suspended = new Set<string>();
  const anomalies = anomalyRules.flatMap((rule) => rule(f)).map((a): ReaperAction => {
    if (a.effect.type !== 'flag') return a;
    const identity = byId.get(a.effect.agentId);
    const suspend = identity !== undefined && identity.state === 'ACTIVE' && !moving.has(identity.id) && !suspended.has(identity.id) && (f.owners.get(identity.owner)?.autoSuspend ?? false);
    if (!suspend) return a;
    suspended.add(a.effect.agentId);
    return { ...a, effect: { ...a.effect, suspend: true } };
  });

  return [...lifecycle, ...drift, ...anomalies, ...cleanupRule(f, leaving)];
}
