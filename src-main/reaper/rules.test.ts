// Every lifecycle, drift and cleanup rule at the edge of its threshold (1 ms before, at), and
// the plan's consistency. Pure: facts are built by hand.
import { describe, expect, it } from 'vitest';
import type { GrantSpec } from '../../src-shared/grant.js';
import type { OwnerRecord, ToolUseRow } from '../core/reaper-ports.js';
import type { GrantRecord, IdentityRecord } from '../core/records.js';
import { isNarrowerOrEqual } from '../core/grant-attenuation.js';
import { noDelegation, type ReaperFacts } from './facts.js';
import { planActions } from './plan.js';
import { cleanupRule } from './rule-cleanup.js';
import { decommissionRule, quarantineRule } from './rule-decommission.js';
import { driftRule } from './rule-drift.js';
import { idleRule } from './rule-idle.js';
import { orphanRule } from './rule-orphan.js';
import { DAY_MS, DEFAULT_THRESHOLDS as T } from './thresholds.js';

const T0 = Date.UTC(2026, 0, 1);

function identity(id: string, over: Partial<IdentityRecord> = {}): IdentityRecord {
  return {
    id,
    spiffeId: `spiffe://charon.local/agent/${id}`,
    displayName: id,
    owner: 'alice',
    environment: 'dev',
    selectors: [],
    scopes: [],
    state: 'ACTIVE',
    createdAt: T0,
    updatedAt: T0,
    lastAttestedAt: T0,
    attestationExpiresAt: T0 + DAY_MS,
    lastSeenAt: null,
    ...over,
  };
}

function grant(id: string, agentId: string, tools: string[], over: Partial<GrantRecord> = {}, envelope: GrantSpec['envelope'] = {}): GrantRecord {
  const servers: GrantSpec['servers'] = {};
  for (const t of tools) {
    const [server, tool] = t.split('__') as [string, string];
    servers[server] ??= { tools: {}, resources: [], prompts: [] };
    (servers[server] as GrantSpec['servers'][string]).tools[tool] = {};
  }
  const spec: GrantSpec = { agentId, environment: 'dev', servers, envelope, expiresAt: null };
  return { id, agentId, spec, specHash: `hash-${id}`, state: 'ACTIVE', createdAt: T0, createdBy: 'operator', updatedAt: T0, revokedAt: null, expiresAt: null, ...over };
}

function facts(now: number, over: Partial<ReaperFacts> = {}): ReaperFacts {
  return {
    now,
    t: T,
    identities: [],
    owners: new Map(),
    grants: [],
    toolUse: [],
    argValues: [],
    argPeaks: [],
    ratePeaks: [],
    capPeaks: new Map(),
    hours: [],
    issuance: [],
    denied: [],
    flagged: new Set(),
    dead: { attestations: 0, joinTokens: 0, credentials: 0 },
    cascade: noDelegation,
    ...over,
  };
}

const owner = (id: string, state: OwnerRecord['state'], autoSuspend = false): OwnerRecord => ({ id, state, autoSuspend, updatedAt: T0 });

describe('idle', () => {
  const agent = identity('a1', { lastSeenAt: T0 + DAY_MS });
  const due = T0 + DAY_MS + T.idleMs;
  it('leaves an agent seen 1 ms less than the idle period ago', () => {
    expect(idleRule(facts(due - 1, { identities: [agent] }))).toEqual([]);
  });
  it('moves an agent idle for exactly the period ACTIVE → IDLE, with evidence', () => {
    const [action] = idleRule(facts(due, { identities: [agent] }));
    expect(action).toMatchObject({ kind: 'idle', effect: { type: 'transition', agentId: 'a1', from: 'ACTIVE', to: 'IDLE' }, evidence: { lastActivityAt: T0 + DAY_MS, idleForMs: T.idleMs } });
  });
  it('counts attestation and registration as activity; ignores other states', () => {
    const attested = identity('a2', { lastAttestedAt: T0 + 2 * DAY_MS });
    expect(idleRule(facts(due, { identities: [attested, identity('a3', { state: 'IDLE' })] }))).toEqual([]);
  });
});

describe('quarantine and decommission', () => {
  const idle = identity('a1', { state: 'IDLE', updatedAt: T0 + 20 * DAY_MS });
  const quarantineDue = T0 + 20 * DAY_MS + T.decommissionMs;
  it('quarantines an IDLE identity at the decommission period, not 1 ms before, revoking its grants', () => {
    const g = grant('g1', 'a1', ['files__read']);
    expect(quarantineRule(facts(quarantineDue - 1, { identities: [idle], grants: [g] }))).toEqual([]);
    expect(quarantineRule(facts(quarantineDue, { identities: [idle], grants: [g] }))).toMatchObject([{ kind: 'quarantine', effect: { type: 'quarantine', agentId: 'a1', from: 'IDLE', grantIds: ['g1'] } }]);
  });
  it('quarantines a PROVISIONED identity that never attested after idle + decommission periods', () => {
    const never = identity('p1', { state: 'PROVISIONED', lastAttestedAt: null });
    const due = T0 + T.idleMs + T.decommissionMs;
    expect(quarantineRule(facts(due - 1, { identities: [never] }))).toEqual([]);
    expect(quarantineRule(facts(due, { identities: [never] }))).toMatchObject([{ effect: { type: 'quarantine', from: 'PROVISIONED' } }]);
  });
  it('decommissions a REVOKED identity after the quarantine period', () => {
    const revoked = identity('r1', { state: 'REVOKED', updatedAt: T0 + DAY_MS });
    const due = T0 + DAY_MS + T.quarantineMs;
    expect(decommissionRule(facts(due - 1, { identities: [revoked] }))).toEqual([]);
    expect(decommissionRule(facts(due, { identities: [revoked] }))).toMatchObject([{ kind: 'decommission', effect: { type: 'decommission', agentId: 'r1' } }]);
  });
});

describe('orphans', () => {
  it('revokes and decommissions every identity of a departed or disabled owner, not of an active or unknown one', () => {
    const ids = [identity('a1', { owner: 'bob' }), identity('a2', { owner: 'carol', state: 'REVOKED' }), identity('a3', { owner: 'alice' }), identity('a4', { owner: 'dave' })];
    const owners = new Map([
      ['bob', owner('bob', 'DEPARTED')],
      ['carol', owner('carol', 'DISABLED')],
      ['alice', owner('alice', 'ACTIVE')],
    ]);
    const actions = orphanRule(facts(T0, { identities: ids, owners, grants: [grant('g1', 'a1', ['files__read'])] }));
    expect(actions.map((a) => [a.effect.type, 'agentId' in a.effect ? a.effect.agentId : null])).toEqual([
      ['orphan', 'a1'],
      ['orphan', 'a2'],
    ]);
    expect(actions[0]).toMatchObject({ reason: 'owner bob is DEPARTED', effect: { from: 'ACTIVE', grantIds: ['g1'], cascade: [] } });
  });
  it('takes the delegated descendants the cascade names (the extension point for delegation)', () => {
    const [action] = orphanRule(facts(T0, { identities: [identity('a1', { owner: 'bob' })], owners: new Map([['bob', owner('bob', 'DEPARTED')]]), cascade: (id) => (id === 'a1' ? ['child'] : []) }));
    expect(action?.effect).toMatchObject({ cascade: ['child'] });
  });
});

describe('drift', () => {
  const agent = identity('a1');
  const g = grant('g1', 'a1', ['files__read', 'files__write', 'pay__send']);
  const now = T0 + 40 * DAY_MS;
  const use = (subject: string, lastAt: number, decision = 'allow'): ToolUseRow => ({ actor: agent.spiffeId, subject, decision, calls: 1, firstAt: lastAt, lastAt });

  it('proposes removing tools with no allowed call in the window; a call exactly at the window start counts', () => {
    const windowStart = now - T.driftWindowMs;
    const [action] = driftRule(facts(now, { identities: [agent], grants: [g], toolUse: [use('files__read', windowStart), use('files__write', windowStart - 1), use('pay__send', now, 'deny')] }));
    expect(action).toMatchObject({ kind: 'drift', proposal: true, effect: { type: 'narrow', grantId: 'g1', removedTools: ['files__write', 'pay__send'] } });
    if (action?.effect.type !== 'narrow') throw new Error('expected a narrowing');
    expect(Object.keys(action.effect.spec.servers)).toEqual(['files']);
    expect(Object.keys(action.effect.spec.servers.files?.tools ?? {})).toEqual(['read']);
  });
  it('leaves a grant younger than the window (1 ms) alone, and proposes at exactly the window', () => {
    expect(driftRule(facts(T0 + T.driftWindowMs - 1, { identities: [agent], grants: [g] }))).toEqual([]);
    expect(driftRule(facts(T0 + T.driftWindowMs, { identities: [agent], grants: [g] }))).toHaveLength(1);
  });
  it('proposes nothing when every tool was used; keeps tools with a cumulative cap', () => {
    const all = ['files__read', 'files__write', 'pay__send'].map((t) => use(t, now - DAY_MS));
    expect(driftRule(facts(now, { identities: [agent], grants: [g], toolUse: all }))).toEqual([]);
    const capped = grant('g2', 'a1', ['pay__send', 'files__read'], {}, { caps: [{ tool: 'pay__send', arg: 'amount', max: '10', per: 'day' }] });
    const [action] = driftRule(facts(now, { identities: [agent], grants: [capped] }));
    expect(action?.effect).toMatchObject({ removedTools: ['files__read'] });
  });
});

describe('drift of constraints and headroom', () => {
  const agent = identity('a1');
  const now = T0 + 40 * DAY_MS;
  const actor = agent.spiffeId;
  const withRule = (tool: string, args: NonNullable<GrantSpec['servers'][string]['tools'][string]['args']>, envelope: GrantSpec['envelope'] = {}): GrantRecord => {
    const g = grant('g1', 'a1', [tool], {}, envelope);
    const [server, name] = tool.split('__') as [string, string];
    (g.spec.servers[server] as GrantSpec['servers'][string]).tools[name] = { args };
    return g;
  };
  const used = (tool: string): ToolUseRow => ({ actor, subject: tool, decision: 'allow', calls: 1, firstAt: now, lastAt: now });
  const narrowing = (g: GrantRecord, over: Partial<ReaperFacts>): string[] => {
    const [action] = driftRule(facts(now, { identities: [agent], grants: [g], toolUse: [used('files__read'), used('pay__send')], ...over }));
    if (action === undefined) return [];
    if (action.effect.type !== 'narrow') throw new Error('expected a narrowing');
    expect(isNarrowerOrEqual(action.effect.spec, g.spec)).toEqual({ ok: true });
    return [...action.effect.changes];
  };

  it('drops path roots no used path lies under, but only when every used path lies under a root as written', () => {
    const g = withRule('files__read', { path: { path: { roots: ['/srv/a', '/srv/b'] } } });
    const value = (v: string) => ({ actor, subject: 'files__read', arg: 'path', value: v, calls: 1 });
    expect(narrowing(g, { argValues: [value('/srv/a/x.txt'), value('/srv/a')] })).toEqual(['files__read path: roots /srv/b never used']);
    expect(narrowing(g, { argValues: [value('/srv/a/x.txt'), value('/srv/b/y')] })).toEqual([]);
    // A real path under neither root (a root reached through a symlink): nothing is known unused.
    expect(narrowing(g, { argValues: [value('/srv/a/x.txt'), value('/private/srv/b/y')] })).toEqual([]);
    expect(narrowing(g, {})).toEqual([]);
  });
  it('lowers an amount max only above factor × peak (at exactly 4 × the peak it stays)', () => {
    const g = withRule('pay__send', { amount: { amount: { max: '100' } } });
    const peak = (p: number) => ({ argPeaks: [{ actor, subject: 'pay__send', arg: 'amount', peak: p }] });
    expect(narrowing(g, peak(25))).toEqual([]);
    expect(narrowing(g, peak(24.9999))).toEqual(['pay__send amount: max 100 → 99.9996 (peak 24.9999)']);
    expect(narrowing(withRule('pay__send', { amount: { amount: {} } }), peak(2))).toEqual(['pay__send amount: max unbounded → 8.0000 (peak 2.0000)']);
  });
  it('lowers the agent rate and a tool rate only above factor × the peak minute, burst never above the new rate', () => {
    const g = grant('g1', 'a1', ['files__read', 'pay__send'], {}, { rate: { perMinute: 40, burst: 30 }, toolRates: { pay__send: { perMinute: 8, burst: 8 } } });
    const peaks = (agentPeak: number, toolPeak: number) => ({ ratePeaks: [{ actor, subject: null, peak: agentPeak }, { actor, subject: 'pay__send', peak: toolPeak }] });
    expect(narrowing(g, peaks(10, 2))).toEqual([]);
    expect(narrowing(g, peaks(9, 1))).toEqual(['rate 40/min → 36/min (peak 9/min)', 'pay__send rate 8/min → 4/min (peak 1/min)']);
    const [action] = driftRule(facts(now, { identities: [agent], grants: [g], toolUse: [used('files__read'), used('pay__send')], ...peaks(2, 2) }));
    expect(action?.effect.type === 'narrow' && action.effect.spec.envelope.rate).toEqual({ perMinute: 8, burst: 8 });
  });
  it('lowers a cumulative cap only above factor × the peak period total', () => {
    const g = grant('g1', 'a1', ['pay__send'], {}, { caps: [{ tool: 'pay__send', arg: 'amount', max: '100', per: 'day' }] });
    const key = JSON.stringify(['cap', 'g1', 'pay__send', 'amount', 'day']);
    expect(narrowing(g, { capPeaks: new Map([[key, 250_000n]]) })).toEqual([]);
    expect(narrowing(g, { capPeaks: new Map([[key, 249_999n]]) })).toEqual(['pay__send amount cap 100/day → 99.9996/day (peak 24.9999)']);
  });
  it('keeps only the allowed values that were used, in the owner\'s order', () => {
    const g = withRule('pay__send', { currency: { oneOf: ['EUR', 'USD', 'GBP'] } });
    const value = (v: string) => ({ actor, subject: 'pay__send', arg: 'currency', value: v, calls: 3 });
    expect(narrowing(g, { argValues: [value('GBP'), value('EUR')] })).toEqual(['pay__send currency: values "USD" never used']);
    expect(narrowing(g, { argValues: [value('GBP'), value('EUR'), value('USD')] })).toEqual([]);
  });
});

describe('cleanup', () => {
  it('deletes dead rows past retention and stores EXPIRED on grants past expiry', () => {
    const now = T0 + 30 * DAY_MS;
    const expired = grant('g1', 'a1', ['files__read'], { expiresAt: now });
    const live = grant('g2', 'a1', ['files__read'], { expiresAt: now + 1 });
    const actions = cleanupRule(facts(now, { grants: [expired, live], dead: { attestations: 2, joinTokens: 0, credentials: 5 } }));
    expect(actions.map((a) => a.effect)).toEqual([
      { type: 'cleanup', target: 'attestations', cutoff: now - T.retentionMs, count: 2 },
      { type: 'cleanup', target: 'credentials', cutoff: now - T.retentionMs, count: 5 },
      { type: 'cleanup', target: 'grants', cutoff: now, count: 1, ids: ['g1'] },
    ]);
  });
});

describe('plan', () => {
  it('gives each identity one lifecycle action (orphan first) and does not narrow or clean up the grants of leaving agents', () => {
    const now = T0 + 60 * DAY_MS;
    const a1 = identity('a1', { owner: 'bob' });
    const g = grant('g1', 'a1', ['files__read'], { expiresAt: now - 1 });
    const g2 = grant('g2', 'a1', ['files__read']);
    const plan = planActions(facts(now, { identities: [a1], owners: new Map([['bob', owner('bob', 'DEPARTED')]]), grants: [g, g2] }));
    expect(plan.map((a) => a.kind)).toEqual(['orphan']);
  });
  it('suspends on an anomaly only when the owner asked for it, once per agent, never an agent already moving', () => {
    const now = T0 + DAY_MS;
    const a1 = identity('a1', { owner: 'bob', lastSeenAt: now });
    const a2 = identity('a2', { owner: 'alice', lastSeenAt: now });
    const denied = [a1, a2].map((i) => ({ actor: i.spiffeId, denied: 50, firstAt: now - 1000, lastAt: now }));
    const issuance = [a1, a2].map((i) => ({ subject: i.spiffeId, baseline: 0, recent: 100 }));
    const plan = planActions(facts(now, { identities: [a1, a2], owners: new Map([['bob', owner('bob', 'ACTIVE', true)]]), denied, issuance }));
    const flags = plan.flatMap((a) => (a.effect.type === 'flag' ? [[a.effect.agentId, a.effect.anomaly, a.effect.suspend]] : []));
    expect(flags).toEqual([
      ['a1', 'issuance-spike', true],
      ['a2', 'issuance-spike', false],
      ['a1', 'denied-burst', false],
      ['a2', 'denied-burst', false],
    ]);
  });
  it('derives ids from what an action is about, not from when it was planned', () => {
    const a1 = identity('a1');
    const at = (now: number) => idleRule(facts(now, { identities: [a1] }))[0]?.id;
    expect(at(T0 + T.idleMs)).toBe(at(T0 + T.idleMs + DAY_MS));
  });
});

describe('plan (property)', () => {
  it('is deterministic, gives each agent at most one lifecycle action and suspends each agent at most once', async () => {
    const fc = (await import('fast-check')).default;
    const states = ['PROVISIONED', 'ACTIVE', 'IDLE', 'REVOKED'] as const;
    const arbIdentity = fc.record({
      n: fc.integer({ min: 0, max: 7 }),
      state: fc.constantFrom(...states),
      owner: fc.constantFrom('alice', 'bob', 'carol'),
      seenDaysAgo: fc.integer({ min: 0, max: 90 }),
      updatedDaysAgo: fc.integer({ min: 0, max: 90 }),
    });
    fc.assert(
      fc.property(fc.uniqueArray(arbIdentity, { selector: (i) => i.n, maxLength: 8 }), fc.integer({ min: 0, max: 40 }), fc.boolean(), (specs, denials, autoSuspend) => {
        const now = T0 + 100 * DAY_MS;
        const identities = specs.map((s) => identity(`a${s.n}`, { state: s.state, owner: s.owner, createdAt: T0, lastSeenAt: now - s.seenDaysAgo * DAY_MS, updatedAt: now - s.updatedDaysAgo * DAY_MS }));
        const owners = new Map([
          ['bob', owner('bob', 'DEPARTED')],
          ['carol', owner('carol', 'ACTIVE', autoSuspend)],
        ]);
        const denied = identities.map((i) => ({ actor: i.spiffeId, denied: denials, firstAt: now - 1000, lastAt: now }));
        const issuance = identities.map((i) => ({ subject: i.spiffeId, baseline: 0, recent: denials }));
        const f = facts(now, { identities, owners, denied, issuance, grants: identities.map((i) => grant(`g-${i.id}`, i.id, ['files__read'])) });
        const plan = planActions(f);
        expect(planActions(f)).toEqual(plan);
        const lifecycle = plan.filter((a) => ['idle', 'quarantine', 'decommission', 'orphan'].includes(a.kind)).map((a) => ('agentId' in a.effect ? a.effect.agentId : ''));
        expect(new Set(lifecycle).size).toBe(lifecycle.length);
        const suspends = plan.flatMap((a) => (a.effect.type === 'flag' && a.effect.suspend ? [a.effect.agentId] : []));
        expect(new Set(suspends).size).toBe(suspends.length);
        for (const agent of suspends) expect(lifecycle).not.toContain(agent);
        expect(new Set(plan.map((a) => a.id)).size).toBe(plan.length);
      }),
      { numRuns: 200 },
    );
  });
});
