// Privilege drift: what a grant allows that the agent did not exercise (no allowed
// gateway.decision) within the drift window → one proposal per grant to narrow it: tools never
// called removed, constraints cut to the values used (drift-constraints.ts),
// limits with far more headroom than the peak lowered (drift-envelope.ts). Applied only when the
// owner selects it; a narrowing needs no passkey. Tools with a cumulative cap stay (attenuation
// keeps caps, and a cap names its tool); a grant younger than the window is left alone.
import type { GrantSpec, ServerGrant } from '../../src-shared/grant.js';
import { TOOL_SEPARATOR } from '../../src-shared/grant.js';
import type { GrantRecord, IdentityRecord } from '../core/records.js';
import { narrowToolRule } from './drift-constraints.js';
import { narrowEnvelope } from './drift-envelope.js';
import { DriftUsage } from './drift-usage.js';
import { actionId, days, liveIdentity, windowsOf, type ReaperAction, type ReaperFacts } from './facts.js';

export function driftRule(f: ReaperFacts): ReaperAction[] {
  const { driftStart } = windowsOf(f.now, f.t);
  const use = new DriftUsage(f, driftStart);
  const byId = new Map(f.identities.map((i) => [i.id, i]));
  const actions: ReaperAction[] = [];
  for (const g of f.grants) {
    const identity = byId.get(g.agentId);
    if (!identity || !liveIdentity(identity)) continue;
    if (g.expiresAt !== null && g.expiresAt <= f.now) continue;
    if (f.now - g.createdAt < f.t.driftWindowMs) continue;
    const action = narrowingOf(g, identity, use, f, driftStart);
    if (action) actions.push(action);
  }
  return actions;
}

function narrowingOf(g: GrantRecord, identity: IdentityRecord, use: DriftUsage, f: ReaperFacts, driftStart: number): ReaperAction | null {
  const actor = identity.spiffeId;
  const factor = f.t.driftHeadroomFactor;
  const usedTools = use.toolsOf(actor);
  const capped = new Set((g.spec.envelope.caps ?? []).map((c) => c.tool));
  const removed: string[] = [];
  const changes: string[] = [];
  const servers: Record<string, ServerGrant> = {};
  for (const [server, grant] of Object.entries(g.spec.servers)) {
    const tools: ServerGrant['tools'] = {};
    for (const [tool, rule] of Object.entries(grant.tools)) {
      const name = `${server}${TOOL_SEPARATOR}${tool}`;
      if (!usedTools.has(name) && !capped.has(name)) {
        removed.push(name);
        continue;
      }
      const narrowed = narrowToolRule(actor, name, rule, use, factor);
      tools[tool] = narrowed.value;
      changes.push(...narrowed.changes);
    }
    if (Object.keys(tools).length > 0 || grant.resources.length > 0 || grant.prompts.length > 0) servers[server] = { ...grant, tools };
  }
  const envelope = narrowEnvelope(g.id, actor, g.spec.envelope, use, factor);
  changes.push(...envelope.changes);
  if (removed.length === 0 && changes.length === 0) return null;

  const spec: GrantSpec = { ...g.spec, servers, envelope: envelope.value };
  const kept = Object.entries(servers).flatMap(([server, s]) => Object.keys(s.tools).map((t) => `${server}${TOOL_SEPARATOR}${t}`));
  const words = [...(removed.length > 0 ? [`${removed.length} granted tool(s) not called: ${removed.join(', ')}`] : []), ...changes];
  return {
    id: actionId('drift', 'drift', g.id, `${g.specHash}:${JSON.stringify([removed, changes])}`),
    kind: 'drift',
    rule: 'drift',
    subject: g.id,
    reason: `Unexercised in ${days(f.t.driftWindowMs)}: ${words.join('; ')}`,
    evidence: { agentId: g.agentId, grantCreatedAt: g.createdAt, windowStart: driftStart, unused: removed, used: [...usedTools].sort(), kept, changes, headroomFactor: f.t.driftHeadroomFactor, fromSpecHash: g.specHash },
    effect: { type: 'narrow', grantId: g.id, agentId: g.agentId, removedTools: removed, changes, spec },
    proposal: true,
  };
}
