// Privilege drift: tools a grant allows that the agent has not called (no allowed
// gateway.decision) within the drift window → a proposal to narrow the grant to the tools it
// uses. Applied only when the owner selects it; a narrowing needs no passkey. Tools with a
// cumulative cap stay (the cap names the tool's amount constraint, and a narrowing keeps caps);
// a grant younger than the window is left alone (it had no chance to be used).
import type { GrantSpec, ServerGrant } from '../../src-shared/grant.js';
import { TOOL_SEPARATOR } from '../../src-shared/grant.js';
import { actionId, days, liveIdentity, windowsOf, type ReaperAction, type ReaperFacts } from './facts.js';

export function driftRule(f: ReaperFacts): ReaperAction[] {
  const { driftStart } = windowsOf(f.now, f.t);
  const byId = new Map(f.identities.map((i) => [i.id, i]));
  // actor → tools with an allowed call inside the window
  const used = new Map<string, Set<string>>();
  for (const row of f.toolUse) {
    if (row.decision !== 'allow' || row.lastAt < driftStart) continue;
    let tools = used.get(row.actor);
    if (!tools) used.set(row.actor, (tools = new Set()));
    tools.add(row.subject);
  }
  const actions: ReaperAction[] = [];
  for (const g of f.grants) {
    const identity = byId.get(g.agentId);
    if (!identity || !liveIdentity(identity)) continue;
    if (g.expiresAt !== null && g.expiresAt <= f.now) continue;
    if (f.now - g.createdAt < f.t.driftWindowMs) continue;
    const usedTools = used.get(identity.spiffeId) ?? new Set<string>();
    const capped = new Set((g.spec.envelope.caps ?? []).map((c) => c.tool));
    const removed: string[] = [];
    const servers: Record<string, ServerGrant> = {};
    for (const [server, grant] of Object.entries(g.spec.servers)) {
      const tools: ServerGrant['tools'] = {};
      for (const [tool, rule] of Object.entries(grant.tools)) {
        const name = `${server}${TOOL_SEPARATOR}${tool}`;
        if (usedTools.has(name) || capped.has(name)) tools[tool] = rule;
        else removed.push(name);
      }
      if (Object.keys(tools).length > 0 || grant.resources.length > 0 || grant.prompts.length > 0) servers[server] = { ...grant, tools };
    }
    if (removed.length === 0) continue;
    const spec: GrantSpec = { ...g.spec, servers };
    const kept = Object.entries(servers).flatMap(([server, s]) => Object.keys(s.tools).map((t) => `${server}${TOOL_SEPARATOR}${t}`));
    actions.push({
      id: actionId('drift', 'drift', g.id, `${g.specHash}:${removed.join(',')}`),
      kind: 'drift',
      rule: 'drift',
      subject: g.id,
      reason: `${removed.length} granted tool(s) not called in ${days(f.t.driftWindowMs)}: ${removed.join(', ')}`,
      evidence: { agentId: g.agentId, grantCreatedAt: g.createdAt, windowStart: driftStart, unused: removed, used: [...usedTools].sort(), kept, fromSpecHash: g.specHash },
      effect: { type: 'narrow', grantId: g.id, agentId: g.agentId, removedTools: removed, spec },
      proposal: true,
    });
  }
  return actions;
}
