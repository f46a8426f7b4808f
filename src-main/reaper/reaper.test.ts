// The reaper over a real control plane: preview equals apply, one audited transaction, only the
// selection applied, drift narrowing applied and then enforced by the policy engine, orphans
// from the owners API, and the operator methods.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { GrantSpecInput } from '../../src-shared/grant.js';
import { grantSpecSchema } from '../../src-shared/grant.js';
import { validateOperatorCall } from '../../src-shared/validate.js';
import { openTestPlane, type TestPlane } from '../test-support/control-plane.js';
import { DAY_MS, MINUTE_MS } from './thresholds.js';

let t: TestPlane;
const spiffe = (id: string): string => `spiffe://charon.local/agent/${id}`;

beforeEach(async () => {
  t = await openTestPlane();
});
afterEach(async () => {
  await t.close();
});

const grantFor = (agentId: string, tools: string[], expiresAt: number | null = null): GrantSpecInput => {
  const servers: Record<string, { tools: Record<string, object> }> = {};
  for (const name of tools) {
    const [server, tool] = name.split('__') as [string, string];
    (servers[server] ??= { tools: {} }).tools[tool] = {};
  }
  return { agentId, environment: 'dev', servers, expiresAt };
};
const createGrant = (spec: GrantSpecInput): string => t.plane.grants.create(grantSpecSchema.parse(spec), 'operator').id;
const call = (id: string, tool: string, decision: 'allow' | 'deny' = 'allow'): void =>
  void t.plane.audit.append({ actor: spiffe(id), kind: 'gateway.decision', subject: tool, decision, details: { method: 'tools/call', rule: 'grant', grantIds: [] } });

/** An inventory where every rule has something to do. */
async function busyInventory(): Promise<{ goneGrant: string }> {
  const start = t.clock.now();
  await t.activeAgent('sleepy');
  await t.activeAgent('stale');
  await t.activeAgent('gone');
  await t.activeAgent('ghost');
  await t.activeAgent('noisy');
  const goneGrant = createGrant(grantFor('gone', ['files__read_file']));
  createGrant(grantFor('noisy', ['files__read_file'], start + 2 * DAY_MS));
  await t.plane.handlers['owners.set']({ id: 'bob', state: 'ACTIVE', autoSuspend: true });
  await t.plane.handlers['identities.register']({ id: 'bobs', owner: 'bob', environment: 'dev', selectors: [], scopes: [] });
  // stale goes IDLE now; ghost is revoked now.
  t.plane.identities.transition('stale', 'IDLE', 'operator');
  t.plane.identities.transition('ghost', 'REVOKED', 'operator');
  t.clock.advance(45 * DAY_MS);
  t.plane.store.identities.touch('noisy', t.clock.now());
  t.plane.store.identities.touch('gone', t.clock.now());
  await t.plane.handlers['identities.register']({ id: 'orphan', owner: 'carol', environment: 'dev', selectors: [], scopes: [] });
  await t.plane.handlers['owners.set']({ id: 'carol', state: 'DEPARTED', reason: 'left the company' });
  for (let i = 0; i < 12; i++) call('noisy', 'pay__send', 'deny');
  return { goneGrant };
}

describe('preview and run', () => {
  it('applies exactly the actions the preview showed (proposals aside), each audited, in one run', async () => {
    const { goneGrant } = await busyInventory();
    const now = t.clock.now();
    const preview = (await t.plane.handlers['reaper.preview']({})).actions;
    const kinds = preview.map((a) => `${a.rule}:${a.subject.replace('spiffe://charon.local/agent/', '')}`).sort();
    expect(kinds).toEqual(
      [
        'anomaly.denied-burst:noisy',
        'cleanup:store:attestations',
        'cleanup:store:join-tokens',
        'cleanup:store:grants',
        `drift:${goneGrant}`,
        'decommission:ghost',
        'idle:sleepy',
        'orphan:orphan',
        'quarantine:bobs',
        'quarantine:stale',
      ].sort(),
    );
    const headBefore = t.plane.store.audit.head()?.seq ?? 0;
    const result = await t.plane.handlers['reaper.run']({});
    expect(result.now).toBe(now);
    expect(result.applied).toEqual(preview.filter((a) => !a.proposal));
    expect(result.notFound).toEqual([]);

    // One reaper.<kind> record per action, carrying its id, reason and evidence; a run record last.
    const records = t.plane.store.audit.list({ afterSeq: headBefore, limit: 500 }).filter((r) => r.kind.startsWith('reaper.'));
    expect(records.every((r) => r.actor === 'reaper')).toBe(true);
    expect(records.filter((r) => r.kind !== 'reaper.run').map((r) => r.details.actionId)).toEqual(result.applied.map((a) => a.id));
    for (const r of records.filter((x) => x.kind !== 'reaper.run')) expect(r.kind).toBe(`reaper.${preview.find((a) => a.id === r.details.actionId)?.kind}`);
    expect(records.at(-1)).toMatchObject({ kind: 'reaper.run', details: { applied: result.applied.map((a) => a.id) } });

    // The effects, through the identity and grant services (audited there too).
    const state = (id: string): string => t.plane.identities.get(id).state;
    expect([state('sleepy'), state('stale'), state('ghost'), state('orphan'), state('bobs')]).toEqual(['IDLE', 'REVOKED', 'DECOMMISSIONED', 'DECOMMISSIONED', 'REVOKED']);
    expect(t.plane.grants.get(goneGrant).state).toBe('ACTIVE');
    expect(t.plane.grants.list({ agentId: 'noisy' })[0]?.state).toBe('EXPIRED');
    expect(t.plane.store.audit.list({ kind: 'identity.transition', subject: spiffe('orphan'), limit: 5 }).map((r) => r.actor)).toEqual(['reaper', 'reaper']);

    // Nothing left to do at the same instant but the proposal, and the anomalies are not flagged twice.
    expect((await t.plane.handlers['reaper.preview']({})).actions).toEqual(preview.filter((a) => a.proposal));
  });

  it('applies only the selected actions and reports ids it did not find', async () => {
    await busyInventory();
    const preview = t.plane.reaper.preview(t.clock.now());
    const pick = preview.filter((a) => a.rule === 'idle' || a.rule === 'orphan');
    const unknown = 'rpa_000000000000000000000000';
    const result = await t.plane.handlers['reaper.run']({ actionIds: [...pick.map((a) => a.id), unknown] });
    expect(result.applied).toEqual(pick);
    expect(result.notFound).toEqual([unknown]);
    expect(t.plane.identities.get('stale').state).toBe('IDLE');
    expect(t.plane.identities.get('ghost').state).toBe('REVOKED');
    const rest = t.plane.reaper.preview(t.clock.now()).map((a) => a.id);
    expect(rest).toEqual(preview.filter((a) => !pick.includes(a)).map((a) => a.id));
  });

  it('a preview writes nothing', async () => {
    await busyInventory();
    const head = t.plane.store.audit.head();
    t.plane.reaper.preview(t.clock.now());
    expect(t.plane.store.audit.head()).toEqual(head);
  });

  it('an agent made IDLE gets no credential until it attests again', async () => {
    await t.activeAgent('sleeper');
    t.clock.advance(14 * DAY_MS);
    t.plane.reaper.run(t.clock.now());
    await expect(t.plane.authority.issue({ agentId: 'sleeper' }, 'operator')).rejects.toMatchObject({ code: 'ERR_IDENTITY_NOT_ACTIVE' });
    const { token } = await t.plane.handlers['joinTokens.create']({ agentId: 'sleeper' });
    t.plane.attestation.attestWithJoinToken('sleeper', token);
    expect(t.plane.identities.get('sleeper').state).toBe('ACTIVE');
  });
});

describe('drift', () => {
  it('proposes narrowing away an unused tool; applied by id it narrows the grant and the policy engine then denies that tool', async () => {
    await t.activeAgent('worker');
    const id = createGrant(grantFor('worker', ['files__read_file', 'files__write_file']));
    t.clock.advance(31 * DAY_MS);
    call('worker', 'files__read_file');
    t.plane.store.identities.touch('worker', t.clock.now());
    const now = t.clock.now();
    const decide = (tool: string): boolean => t.plane.policy.decide({ agentId: 'worker', environment: 'dev', action: 'tools/call', resourceName: tool, args: {}, now }).allow;
    expect([decide('files__read_file'), decide('files__write_file')]).toEqual([true, true]);

    const [proposal] = t.plane.reaper.preview(now).filter((a) => a.kind === 'drift');
    expect(proposal).toMatchObject({ proposal: true, subject: id, effect: { type: 'narrow', removedTools: ['files__write_file'] }, evidence: { used: ['files__read_file'] } });
    // A plain run leaves proposals to the owner.
    expect(t.plane.reaper.run(now).applied.filter((a) => a.kind === 'drift')).toEqual([]);
    expect(decide('files__write_file')).toBe(true);

    const result = await t.plane.handlers['reaper.run']({ actionIds: [proposal?.id as string] });
    expect(result.applied.map((a) => a.id)).toEqual([proposal?.id]);
    expect(Object.keys(t.plane.grants.get(id).spec.servers.files?.tools ?? {})).toEqual(['read_file']);
    expect(t.plane.store.audit.list({ kind: 'grant.narrow', subject: id, limit: 1 })[0]).toMatchObject({ actor: 'reaper', decision: 'allow' });
    expect([decide('files__read_file'), decide('files__write_file')]).toEqual([true, false]);
  });
});

describe('owners', () => {
  it('lists owners known from identities and records, and audits a change', async () => {
    await t.activeAgent('a1');
    expect(await t.plane.handlers['owners.list']({})).toEqual([{ id: 'alice', state: 'ACTIVE', autoSuspend: false, identities: 1, updatedAt: null }]);
    const set = await t.plane.handlers['owners.set']({ id: 'alice', state: 'DISABLED', reason: 'account locked' });
    expect(set).toMatchObject({ id: 'alice', state: 'DISABLED', identities: 1, updatedAt: t.clock.now() });
    expect(t.plane.store.audit.list({ kind: 'owner.set', limit: 1 })[0]).toMatchObject({ actor: 'operator', subject: 'alice', details: { from: 'ACTIVE', to: 'DISABLED', reason: 'account locked' } });
    const [orphan] = t.plane.reaper.preview(t.clock.now());
    expect(orphan).toMatchObject({ kind: 'orphan', reason: 'owner alice is DISABLED' });
  });
  it('validates the operator inputs', () => {
    expect(validateOperatorCall('owners.set', { id: 'alice', state: 'GONE' }).ok).toBe(false);
    expect(validateOperatorCall('reaper.run', { actionIds: ['not-an-id'] }).ok).toBe(false);
    expect(validateOperatorCall('reaper.run', {}).ok).toBe(true);
  });
});

describe('thresholds from config', () => {
  it('reads the reaper object of config.json (here: idle after one day)', async () => {
    const custom = await openTestPlane({ reaper: { idleDays: 1, anomaly: { deniedBurstMin: 3 } } });
    try {
      await custom.activeAgent('quick');
      custom.clock.advance(DAY_MS - MINUTE_MS);
      expect(custom.plane.reaper.preview(custom.clock.now())).toEqual([]);
      custom.clock.advance(MINUTE_MS);
      expect(custom.plane.reaper.preview(custom.clock.now()).map((a) => a.rule)).toEqual(['idle']);
      expect(custom.plane.config.reaper.anomaly.deniedBurstMin).toBe(3);
      expect(custom.plane.config.reaper.anomaly.deniedBurstMinutes).toBe(10);
    } finally {
      await custom.close();
    }
  });
});

describe('one transaction', () => {
  it('applies nothing, and records nothing, when one action of the run fails', async () => {
    await t.activeAgent('sleepy');
    await t.plane.handlers['identities.register']({ id: 'orphan', owner: 'carol', environment: 'dev', selectors: [], scopes: [] });
    await t.plane.handlers['owners.set']({ id: 'carol', state: 'DEPARTED' });
    t.clock.advance(15 * DAY_MS);
    const { Reaper } = await import('./reaper.js');
    const { DEFAULT_THRESHOLDS } = await import('./thresholds.js');
    const failing = new Reaper({
      facts: t.plane.store.reaperFacts,
      owners: t.plane.store.owners,
      identities: t.plane.store.identities,
      tx: t.plane.store,
      audit: t.plane.audit,
      thresholds: () => DEFAULT_THRESHOLDS,
      effects: {
        transition: (agentId, to, reason) => {
          if (agentId === 'sleepy') throw new Error('disk on fire');
          t.plane.identities.transition(agentId, to, 'reaper', reason);
        },
        revokeGrant: () => undefined,
        narrowGrant: () => undefined,
      },
    });
    const head = t.plane.store.audit.head();
    expect(failing.preview(t.clock.now()).map((a) => a.rule).slice(0, 2)).toEqual(['orphan', 'idle']);
    expect(() => failing.run(t.clock.now())).toThrow('disk on fire');
    expect(t.plane.identities.get('orphan').state).toBe('PROVISIONED');
    expect(t.plane.store.audit.head()).toEqual(head);
  });
});
