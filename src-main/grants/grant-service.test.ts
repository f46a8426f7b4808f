import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { GrantSpecInput } from '../../src-shared/grant.js';
import { validateOperatorCall } from '../../src-shared/validate.js';
import { canonicalJson } from '../core/canonical-json.js';
import { openTestPlane, type TestPlane } from '../test-support/control-plane.js';
import { openRawDb } from '../test-support/raw-db.js';
import { openSecondProcess } from '../test-support/second-process.js';

let t: TestPlane | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const HOUR = 3_600_000;

async function plane(): Promise<TestPlane> {
  t = await openTestPlane();
  return t;
}

const readSpec = (over: Partial<GrantSpecInput> = {}): GrantSpecInput => ({
  agentId: 'builder',
  environment: 'dev',
  servers: { files: { tools: { read_file: { args: { path: { path: { roots: ['/data'] } } } }, list_dir: {} } } },
  ...over,
});

/** Handlers receive validated input: parse like the IPC boundary does. */
function parsed<M extends 'grants.create' | 'grants.narrow'>(method: M, input: unknown) {
  const r = validateOperatorCall(method, input);
  if (!r.ok) throw new Error(r.error.message);
  return r.value.input as never;
}

const tail = async (tp: TestPlane, n = 1) => tp.plane.handlers['audit.list']({ limit: n });

describe('GrantService through the operator handlers', () => {
  it('creates a grant: grt_ id, SHA-256 of the canonical spec, audited with the hash', async () => {
    const tp = await plane();
    await tp.activeAgent('builder');
    const g = await tp.plane.handlers['grants.create'](parsed('grants.create', { spec: readSpec() }));
    expect(g.id).toMatch(/^grt_[A-Za-z0-9_-]{22}$/);
    expect(g).toMatchObject({ state: 'ACTIVE', createdBy: 'operator', revokedAt: null });
    expect(g.specHash).toBe(createHash('sha256').update(canonicalJson(g.spec)).digest('hex'));
    const [last] = await tail(tp);
    expect(last).toMatchObject({ kind: 'grant.create', decision: 'allow', subject: g.id, details: { agentId: 'builder', specHash: g.specHash } });
    expect(await tp.plane.handlers['grants.get']({ id: g.id })).toEqual(g);
    expect(await tp.plane.handlers['grants.list']({ agentId: 'builder' })).toEqual([g]);
    expect(await tp.plane.handlers['grants.list']({ agentId: 'other' })).toEqual([]);
  });

  it('refuses a grant for an unknown, revoked or decommissioned agent, or another environment; each refusal audited, nothing stored', async () => {
    const tp = await plane();
    const h = tp.plane.handlers;
    await expect(h['grants.create'](parsed('grants.create', { spec: readSpec({ agentId: 'ghost' }) }))).rejects.toMatchObject({ code: 'ERR_IDENTITY_NOT_FOUND' });
    await tp.activeAgent('builder');
    await expect(h['grants.create'](parsed('grants.create', { spec: readSpec({ environment: 'prod' }) }))).rejects.toMatchObject({ code: 'ERR_INVALID_INPUT' });
    await h['identities.revoke']({ id: 'builder' });
    await expect(h['grants.create'](parsed('grants.create', { spec: readSpec() }))).rejects.toMatchObject({ code: 'ERR_IDENTITY_NOT_ACTIVE' });
    await h['identities.transition']({ id: 'builder', to: 'DECOMMISSIONED' });
    await expect(h['grants.create'](parsed('grants.create', { spec: readSpec() }))).rejects.toMatchObject({ code: 'ERR_IDENTITY_NOT_ACTIVE' });
    const denies = (await tail(tp, 50)).filter((r) => r.kind === 'grant.create');
    expect(denies.map((r) => [r.decision, r.details.code])).toEqual([
      ['deny', 'ERR_IDENTITY_NOT_ACTIVE'],
      ['deny', 'ERR_IDENTITY_NOT_ACTIVE'],
      ['deny', 'ERR_INVALID_INPUT'],
      ['deny', 'ERR_IDENTITY_NOT_FOUND'],
    ]);
    const db = openRawDb(tp.dataDir, { readonly: true });
    expect(db.prepare('SELECT count(*) FROM grants').pluck().get()).toBe(0);
    db.close();
  });

  it('refuses a relative path root at the boundary, before it reaches the service', () => {
    const spec = readSpec({ servers: { files: { tools: { read_file: { args: { path: { path: { roots: ['data'] } } } } } } } });
    expect(validateOperatorCall('grants.create', { spec })).toMatchObject({ ok: false, error: { code: 'ERR_INVALID_INPUT' } });
  });

  it('refuses specs that cannot be enforced as written: fractional values, already expired, min above max', async () => {
    const tp = await plane();
    await tp.activeAgent('builder');
    const h = tp.plane.handlers;
    const bad = [
      readSpec({ servers: { files: { tools: { read_file: { args: { n: { oneOf: [0.5] } } } } } } }),
      readSpec({ expiresAt: tp.clock.now() }),
      readSpec({ servers: { pay: { tools: { send: { args: { amount: { amount: { min: '10', max: '1' } } } } } } } }),
      readSpec({ envelope: { caps: [{ tool: 'files__read_file', arg: 'path', max: '10', per: 'day' }] } }),
    ];
    for (const spec of bad) await expect(h['grants.create'](parsed('grants.create', { spec }))).rejects.toMatchObject({ code: 'ERR_INVALID_INPUT' });
    expect(await h['grants.list']({})).toEqual([]);
  });

  it('narrows within the grant and refuses widening with ERR_GRANT_WIDENS (audited, unchanged)', async () => {
    const tp = await plane();
    await tp.activeAgent('builder');
    const h = tp.plane.handlers;
    const g = await h['grants.create'](parsed('grants.create', { spec: readSpec({ expiresAt: tp.clock.now() + HOUR }) }));
    const narrower = readSpec({ servers: { files: { tools: { read_file: { args: { path: { path: { roots: ['/data/reports'] } } } } } } }, expiresAt: tp.clock.now() + HOUR / 2 });
    const n = await h['grants.narrow'](parsed('grants.narrow', { id: g.id, spec: narrower }));
    expect(n.id).toBe(g.id);
    expect(n.specHash).not.toBe(g.specHash);
    expect(Object.keys(n.spec.servers.files?.tools ?? {})).toEqual(['read_file']);
    expect((await tail(tp))[0]).toMatchObject({ kind: 'grant.narrow', decision: 'allow', details: { fromSpecHash: g.specHash, specHash: n.specHash } });

    for (const wider of [readSpec({ expiresAt: tp.clock.now() + HOUR / 2 }), { ...narrower, expiresAt: null }, readSpec({ servers: { files: { tools: { read_file: { args: { path: { path: { roots: ['/'] } } } } } } }, expiresAt: tp.clock.now() })]) {
      await expect(h['grants.narrow'](parsed('grants.narrow', { id: g.id, spec: wider }))).rejects.toMatchObject({ code: 'ERR_GRANT_WIDENS' });
    }
    expect((await tail(tp))[0]).toMatchObject({ kind: 'grant.narrow', decision: 'deny', details: { code: 'ERR_GRANT_WIDENS' } });
    expect(await h['grants.get']({ id: g.id })).toEqual(n);
  });

  it('revokes (audited), refuses to revoke twice or to narrow a revoked grant, and 404s unknown ids', async () => {
    const tp = await plane();
    await tp.activeAgent('builder');
    const h = tp.plane.handlers;
    const g = await h['grants.create'](parsed('grants.create', { spec: readSpec() }));
    const r = await h['grants.revoke']({ id: g.id, reason: 'done' });
    expect(r).toMatchObject({ state: 'REVOKED', revokedAt: tp.clock.now() });
    expect((await tail(tp))[0]).toMatchObject({ kind: 'grant.revoke', decision: 'allow', subject: g.id, details: { reason: 'done', specHash: g.specHash } });
    await expect(h['grants.revoke']({ id: g.id })).rejects.toMatchObject({ code: 'ERR_GRANT_NOT_ACTIVE' });
    await expect(h['grants.narrow'](parsed('grants.narrow', { id: g.id, spec: readSpec() }))).rejects.toMatchObject({ code: 'ERR_GRANT_NOT_ACTIVE' });
    await expect(h['grants.get']({ id: 'grt_doesnotexist00' })).rejects.toMatchObject({ code: 'ERR_GRANT_NOT_FOUND' });
    await expect(h['grants.revoke']({ id: 'grt_doesnotexist00' })).rejects.toMatchObject({ code: 'ERR_GRANT_NOT_FOUND' });
    expect(await h['grants.list']({ state: 'REVOKED' })).toEqual([r]);
  });

  it('reads a grant past its expiry as EXPIRED, and stops enforcing it', async () => {
    const tp = await plane();
    await tp.activeAgent('builder');
    const h = tp.plane.handlers;
    const g = await h['grants.create'](parsed('grants.create', { spec: readSpec({ expiresAt: tp.clock.now() + HOUR }) }));
    const call = { agentId: 'builder', environment: 'dev' as const, action: 'tools/call' as const, resourceName: 'files__list_dir', args: {} };
    expect(tp.plane.policy.decide({ ...call, now: tp.clock.now() }).allow).toBe(true);
    tp.clock.advance(HOUR);
    expect((await h['grants.get']({ id: g.id })).state).toBe('EXPIRED');
    expect(await h['grants.list']({ state: 'EXPIRED' })).toHaveLength(1);
    expect(await h['grants.list']({ state: 'ACTIVE' })).toHaveLength(0);
    expect(tp.plane.grants.activeGrantsFor('builder', tp.clock.now())).toEqual([]);
    expect(tp.plane.policy.decide({ ...call, now: tp.clock.now() }).allow).toBe(false);
    await expect(h['grants.narrow'](parsed('grants.narrow', { id: g.id, spec: readSpec({ expiresAt: tp.clock.now() }) }))).rejects.toMatchObject({ code: 'ERR_GRANT_NOT_ACTIVE' });
  });

  it('recompiles the agent in the policy engine on every change, and only then', async () => {
    const tp = await plane();
    await tp.activeAgent('builder');
    const { handlers: h, policy, clock } = tp.plane;
    const call = { agentId: 'builder', environment: 'dev' as const, action: 'tools/call' as const, args: {} };
    expect(policy.decide({ ...call, resourceName: 'files__list_dir', now: clock.now() }).allow).toBe(false);
    const g = await h['grants.create'](parsed('grants.create', { spec: readSpec() }));
    expect(policy.decide({ ...call, resourceName: 'files__list_dir', now: clock.now() })).toMatchObject({ allow: true, grantIds: [g.id] });
    const parses = policy.parseCount;
    for (let i = 0; i < 20; i++) policy.decide({ ...call, resourceName: 'files__list_dir', now: clock.now() });
    expect(policy.parseCount).toBe(parses);
    await h['grants.narrow'](parsed('grants.narrow', { id: g.id, spec: readSpec({ servers: { files: { tools: { read_file: { args: { path: { path: { roots: ['/data'] } } } } } } } }) }));
    expect(policy.decide({ ...call, resourceName: 'files__list_dir', now: clock.now() }).allow).toBe(false);
    expect(policy.decide({ ...call, resourceName: 'files__read_file', args: { path: '/data/x' }, now: clock.now() }).allow).toBe(true);
    await h['grants.revoke']({ id: g.id });
    expect(policy.decide({ ...call, resourceName: 'files__read_file', args: { path: '/data/x' }, now: clock.now() }).allow).toBe(false);
  });

  it('a refused change does not recompile or leak into the engine', async () => {
    const tp = await plane();
    await tp.activeAgent('builder');
    const { handlers: h, policy } = tp.plane;
    const g = await h['grants.create'](parsed('grants.create', { spec: readSpec() }));
    const parses = policy.parseCount;
    await expect(h['grants.narrow'](parsed('grants.narrow', { id: g.id, spec: readSpec({ servers: { files: { tools: { write_file: {} } } } }) }))).rejects.toMatchObject({ code: 'ERR_GRANT_WIDENS' });
    expect(policy.parseCount).toBe(parses);
    expect(policy.decide({ agentId: 'builder', environment: 'dev', action: 'tools/call', resourceName: 'files__write_file', args: {}, now: tp.clock.now() }).allow).toBe(false);
  });

  it('another process revoking a grant (the CLI while serving) takes effect on the next decision, without being told', async () => {
    const tp = await plane();
    await tp.activeAgent('builder');
    const g = await tp.plane.handlers['grants.create'](parsed('grants.create', { spec: readSpec() }));
    const call = { agentId: 'builder', environment: 'dev' as const, action: 'tools/call' as const, resourceName: 'files__list_dir', args: {} };
    expect(tp.plane.policy.decide({ ...call, now: tp.clock.now() }).allow).toBe(true);
    const cli = await openSecondProcess(tp.dataDir, tp.clock);
    try {
      await cli.handlers['grants.revoke']({ id: g.id });
    } finally {
      await cli.close();
    }
    expect(tp.plane.policy.decide({ ...call, now: tp.clock.now() }).allow).toBe(false);
  });
});
