// Orphans: an identity whose owner is DEPARTED or DISABLED is revoked and decommissioned at
// once, its grants revoked, with its delegated descendants (facts.cascade, from delegation).
import { actionId, grantsByAgent, type ReaperAction, type ReaperFacts } from './facts.js';

export function orphanRule(f: ReaperFacts): ReaperAction[] {
  const grants = grantsByAgent(f.grants);
  const actions: ReaperAction[] = [];
  for (const i of f.identities) {
    const owner = f.owners.get(i.owner);
    if (!owner || owner.state === 'ACTIVE') continue;
    const grantIds = (grants.get(i.id) ?? []).map((g) => g.id);
    const cascade = f.cascade(i.id);
    actions.push({
      id: actionId('orphan', 'orphan', i.spiffeId, `${i.owner}:${owner.state}`),
      kind: 'orphan',
      rule: 'orphan',
      subject: i.spiffeId,
      reason: `owner ${i.owner} is ${owner.state}`,
      evidence: { owner: i.owner, ownerState: owner.state, ownerUpdatedAt: owner.updatedAt, state: i.state, grantIds, cascade },
      effect: { type: 'orphan', agentId: i.id, from: i.state, grantIds, cascade },
      proposal: false,
    });
  }
  return actions;
}
