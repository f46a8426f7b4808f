import type { ReaperEffect } from '../../../src-shared/reaper.js';

/** What applying an action does, in one sentence. */
export function effectText(effect: ReaperEffect): string {
  switch (effect.type) {
    case 'transition':
      return `${effect.agentId}: ${effect.from} → ${effect.to}`;
    case 'quarantine':
      return `Revoke ${effect.agentId} (from ${effect.from}) and its ${effect.grantIds.length} grant(s)`;
    case 'decommission':
      return `Decommission ${effect.agentId} (final) and revoke its ${effect.grantIds.length} remaining grant(s)`;
    case 'orphan':
      return `Revoke and decommission ${effect.agentId}${effect.cascade.length ? ` and its delegates ${effect.cascade.join(', ')}` : ''}`;
    case 'narrow':
      return `Narrow grant ${effect.grantId} of ${effect.agentId}: ${[...(effect.removedTools.length > 0 ? [`remove ${effect.removedTools.join(', ')}`] : []), ...effect.changes].join('; ')}`;
    case 'cleanup':
      return `Delete ${effect.count} expired ${effect.target}`;
    case 'flag':
      return `Record an anomaly (${effect.anomaly}) for ${effect.agentId}${effect.suspend ? ' and suspend it (ACTIVE → IDLE)' : ''}`;
  }
}
