import type { AuditDecision } from '../../../src-shared/domain.js';
import type { AuditEventDto } from '../../../src-shared/dto.js';

export interface FeedFilter {
  /** Part of the agent's id or SPIFFE id, matched against subject and actor. */
  readonly agent: string;
  readonly kind: string;
  readonly decision: AuditDecision | '';
}

export const NO_FILTER: FeedFilter = { agent: '', kind: '', decision: '' };

/** Indexes (into `events`) of the records that pass, newest first. */
export function filterFeed(events: readonly AuditEventDto[], count: number, filter: FeedFilter): number[] {
  const agent = filter.agent.trim().toLowerCase();
  const out: number[] = [];
  for (let index = count - 1; index >= 0; index--) {
    const event = events[index];
    if (!event) continue;
    if (filter.kind && event.kind !== filter.kind) continue;
    if (filter.decision && event.decision !== filter.decision) continue;
    if (agent && !event.subject.toLowerCase().includes(agent) && !event.actor.toLowerCase().includes(agent)) continue;
    out.push(index);
  }
  return out;
}
