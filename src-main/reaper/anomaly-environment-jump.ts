// Environment jump: a workload known in a lower environment (an identity with the same
// selectors, attested before, in dev or test) now gets credentials in a higher one (test or
// prod) for the first time: issuances in the recent window and none in its baseline.
import type { Environment } from '../../src-shared/domain.js';
import type { IdentityRecord } from '../core/records.js';
import { anomaly, liveBySpiffeId } from './anomaly.js';
import type { ReaperAction, ReaperFacts } from './facts.js';

const rank: Readonly<Record<Environment, number>> = { dev: 0, test: 1, prod: 2 };

export function environmentJumpRule(f: ReaperFacts): ReaperAction[] {
  const live = liveBySpiffeId(f);
  // selector → identities that have attested with it
  const known = new Map<string, IdentityRecord[]>();
  for (const i of f.identities) {
    if (i.lastAttestedAt === null) continue;
    for (const s of i.selectors) {
      const list = known.get(s);
      if (list) list.push(i);
      else known.set(s, [i]);
    }
  }
  const actions: ReaperAction[] = [];
  for (const row of f.issuance) {
    const identity = live.get(row.subject);
    if (!identity || rank[identity.environment] === 0 || row.recent === 0 || row.baseline > 0) continue;
    const lower = new Map<string, { id: string; environment: Environment; selectors: string[] }>();
    for (const s of identity.selectors) {
      for (const other of known.get(s) ?? []) {
        if (other.id === identity.id || rank[other.environment] >= rank[identity.environment] || other.createdAt > identity.createdAt) continue;
        const entry = lower.get(other.id) ?? { id: other.id, environment: other.environment, selectors: [] };
        entry.selectors.push(s);
        lower.set(other.id, entry);
      }
    }
    if (lower.size === 0) continue;
    const knownAs = [...lower.values()];
    const action = anomaly(
      f,
      'environment-jump',
      identity,
      f.t.anomaly.recentMs,
      `a workload known in ${[...new Set(knownAs.map((k) => k.environment))].join('/')} (${knownAs.map((k) => k.id).join(', ')}) got ${identity.environment} credentials for the first time`,
      { environment: identity.environment, knownAs, recentIssuances: row.recent },
    );
    if (action) actions.push(action);
  }
  return actions;
}
