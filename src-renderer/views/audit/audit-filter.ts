import type { AuditDecision } from '../../../src-shared/domain.js';
import type { AuditEventDto } from '../../../src-shared/dto.js';

export const SINCE_CHOICES = ['', '15m', '1h', '1d', '7d'] as const;
export type Since = (typeof SINCE_CHOICES)[number];
const SINCE_MS: Readonly<Record<Exclude<Since, ''>, number>> = { '15m': 15 * 60_000, '1h': 3600_000, '1d': 86_400_000, '7d': 7 * 86_400_000 };

export interface FeedFilter {
  /** Part of the agent's id or SPIFFE id, matched against subject and actor. */
  readonly agent: string;
  readonly kind: string;
  readonly decision: AuditDecision | '';
  /** Part of a tool, prompt or resource name (the subject of a gateway decision). */
  readonly tool: string;
  /** Only records this recent. */
  readonly since: Since;
}

export const NO_FILTER: FeedFilter = { agent: '', kind: '', decision: '', tool: '', since: '' };

/** Indexes (into `events`) of the records that pass, newest first. */
export function filterFeed(events: readonly AuditEventDto[], count: number, filter: FeedFilter, now = Date.now()): number[] {
  const agent = filter.agent.trim().toLowerCase();
  const tool = filter.tool.trim().toLowerCase();
  const from = filter.since ? now - SINCE_MS[filter.since] : -Infinity;
  const out: number[] = [];
  for (let index = count - 1; index >= 0; index--) {
    const event = events[index];
    if (!event) continue;
    // Newest first: once past the range, nothing older can be in it.
    if (event.time < from) break;
    if (filter.kind && event.kind !== filter.kind) continue;
    if (filter.decision && event.decision !== filter.decision) continue;
    if (agent && !event.subject.toLowerCase().includes(agent) && !event.actor.toLowerCase().includes(agent)) continue;
    if (tool && (event.kind !== 'gateway.decision' || !event.subject.toLowerCase().includes(tool))) continue;
    out.push(index);
  }
  return out;
}

/** Who acted, as a person reads it: an agent's or owner's id rather than the whole SPIFFE id. */
export function actorLabel(actor: string): string {
  const spiffe = /^spiffe:\/\/[^/]+\/(agent|owner)\/(.+)$/.exec(actor);
  if (spiffe) return spiffe[1] === 'owner' ? `owner ${spiffe[2] as string}` : (spiffe[2] as string);
  if (actor.startsWith('oauth-client:')) return `OAuth client ${actor.slice('oauth-client:'.length)}`;
  return actor;
}

/** Why a record was refused (or on which grounds it was allowed), from its details. */
export function reasonOf(event: AuditEventDto): string {
  const d = event.details as { message?: unknown; rule?: unknown; reason?: unknown; grantIds?: unknown };
  if (event.decision === 'deny') return typeof d.message === 'string' ? d.message : typeof d.rule === 'string' ? d.rule : '';
  if (Array.isArray(d.grantIds) && d.grantIds.length > 0) return `by ${d.grantIds.join(', ')}`;
  return typeof d.reason === 'string' ? d.reason : '';
}

/** The filter and selected record as fragment parameters, so a link or a reload keeps them. */
export function filterToHash(filter: FeedFilter, seq: number | null): string {
  const params = new URLSearchParams({ view: 'audit' });
  for (const [key, value] of Object.entries(filter)) if (value) params.set(key, value);
  if (seq !== null) params.set('seq', String(seq));
  return `#${params.toString()}`;
}

export function filterFromHash(hash: string): { filter: FeedFilter; seq: number | null } {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const decision = params.get('decision');
  const since = params.get('since') ?? '';
  const seq = Number(params.get('seq'));
  return {
    filter: {
      agent: params.get('agent') ?? '',
      kind: params.get('kind') ?? '',
      decision: decision === 'allow' || decision === 'deny' ? decision : '',
      tool: params.get('tool') ?? '',
      since: (SINCE_CHOICES as readonly string[]).includes(since) ? (since as Since) : '',
    },
    seq: Number.isSafeInteger(seq) && seq > 0 ? seq : null,
  };
}
