import { afterEach, describe, expect, it } from 'vitest';
import { LIFECYCLE_STATES, type LifecycleState } from '../../src-shared/domain.js';
import type { ErrorPayload } from '../../src-shared/errors.js';
import type { OperatorMethod } from '../../src-shared/operator-api.js';
import { validateOperatorCall } from '../../src-shared/validate.js';
import { openTestPlane, type TestPlane } from '../test-support/control-plane.js';
import { openRawDb } from '../test-support/raw-db.js';

let t: TestPlane | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const HOUR = 3600_000;

async function plane(): Promise<TestPlane> {
  t = await openTestPlane();
  return t;
}

/** The newest audit records first. */
async function auditTail(tp: TestPlane, limit = 50) {
  return tp.plane.handlers['audit.list']({ limit });
}

async function headSeq(tp: TestPlane): Promise<number> {
  return (await tp.plane.handlers['status.get']({})).auditHeadSeq;
}

/** Puts a fresh identity into `state` by legal steps only. */
async function agentIn(tp: TestPlane, id: string, state: LifecycleState): Promise<void> {
  const h = tp.plane.handlers;
  if (state === 'PROVISIONED') {
    await h['identities.register']({ id, owner: 'alice', environment: 'dev', selectors: [], scopes: ['files:read'] });
    return;
  }
  await tp.activeAgent(id);
  if (state === 'IDLE') await h['identities.transition']({ id, to: 'IDLE' });
  if (state === 'REVOKED' || state === 'DECOMMISSIONED') await h['identities.transition']({ id, to: 'REVOKED' });
  if (state === 'DECOMMISSIONED') await h['identities.transition']({ id, to: 'DECOMMISSIONED' });
}

const LEGAL = new Set(['PROVISIONED→ACTIVE', 'PROVISIONED→REVOKED', 'ACTIVE→IDLE', 'ACTIVE→REVOKED', 'IDLE→ACTIVE', 'IDLE→REVOKED', 'REVOKED→DECOMMISSIONED']);
const illegal = LIFECYCLE_STATES.flatMap((from) => LIFECYCLE_STATES.filter((to) => !LEGAL.has(`${from}→${to}`)).map((to): [LifecycleState, LifecycleState] => [from, to]));

describe('IdentityService: lifecycle through the operator handlers', () => {
  it('registers PROVISIONED with normalized selectors and scopes, audited as allow', async () => {
    const tp = await plane();
    const created = await tp.plane.handlers['identities.register']({ id: 'builder', owner: 'alice', environment: 'prod', selectors: ['k8s:sa:b', 'k8s:ns:a', 'k8s:sa:b'], scopes: ['w', 'r', 'w'] });
    expect(created).toMatchObject({ state: 'PROVISIONED', spiffeId: 'spiffe://charon.local/agent/builder', selectors: ['k8s:ns:a', 'k8s:sa:b'], scopes: ['r', 'w'], lastAttestedAt: null });
    const [last] = await auditTail(tp, 1);
    expect(last).toMatchObject({ kind: 'identity.register', decision: 'allow', subject: 'spiffe://charon.local/agent/builder', actor: 'operator' });
  });

  it('refuses hijacking an existing identity by re-registering its id: ERR_IDENTITY_EXISTS, audited, original untouched', async () => {
    const tp = await plane();
    const h = tp.plane.handlers;
    await h['identities.register']({ id: 'builder', owner: 'alice', environment: 'prod', selectors: ['k8s:ns:a'], scopes: ['r'] });
    await expect(h['identities.register']({ id: 'builder', owner: 'mallory', environment: 'dev', selectors: [], scopes: ['admin'] })).rejects.toMatchObject({ code: 'ERR_IDENTITY_EXISTS' });
    expect(await h['identities.get']({ id: 'builder' })).toMatchObject({ owner: 'alice', environment: 'prod', scopes: ['r'], selectors: ['k8s:ns:a'] });
    const [last] = await auditTail(tp, 1);
    expect(last).toMatchObject({ kind: 'identity.register', decision: 'deny', details: { code: 'ERR_IDENTITY_EXISTS' } });
  });

  it('walks every legal transition, each audited as allow with from/to', async () => {
    const tp = await plane();
    const h = tp.plane.handlers;
    await tp.activeAgent('a');
    expect((await h['identities.get']({ id: 'a' })).state).toBe('ACTIVE');
    expect((await h['identities.transition']({ id: 'a', to: 'IDLE' })).state).toBe('IDLE');
    expect((await h['identities.transition']({ id: 'a', to: 'ACTIVE' })).state).toBe('ACTIVE');
    expect((await h['identities.transition']({ id: 'a', to: 'REVOKED', reason: 'done' })).state).toBe('REVOKED');
    expect((await h['identities.transition']({ id: 'a', to: 'DECOMMISSIONED' })).state).toBe('DECOMMISSIONED');
    await agentIn(tp, 'p', 'PROVISIONED');
    expect((await h['identities.revoke']({ id: 'p' })).state).toBe('REVOKED');
    const transitions = (await auditTail(tp, 100)).filter((r) => r.kind === 'identity.transition').reverse();
    expect(transitions.map((r) => [r.decision, r.details.from, r.details.to])).toEqual([
      ['allow', 'PROVISIONED', 'ACTIVE'],
      ['allow', 'ACTIVE', 'IDLE'],
      ['allow', 'IDLE', 'ACTIVE'],
      ['allow', 'ACTIVE', 'REVOKED'],
      ['allow', 'REVOKED', 'DECOMMISSIONED'],
      ['allow', 'PROVISIONED', 'REVOKED'],
    ]);
    expect((await h['audit.verify']({})).ok).toBe(true);
  });

  it.each(illegal)('refuses jumping the state machine %s → %s: ERR_ILLEGAL_TRANSITION, state unchanged, audited as deny', async (from, to) => {
    const tp = await plane();
    const h = tp.plane.handlers;
    await agentIn(tp, 'x', from);
    const before = await h['identities.get']({ id: 'x' });
    await expect(h['identities.transition']({ id: 'x', to, reason: 'attack' })).rejects.toMatchObject({ code: 'ERR_ILLEGAL_TRANSITION' });
    expect(await h['identities.get']({ id: 'x' })).toEqual(before);
    const [last] = await auditTail(tp, 1);
    expect(last).toMatchObject({
      kind: 'identity.transition',
      decision: 'deny',
      actor: 'operator',
      subject: 'spiffe://charon.local/agent/x',
      details: { to, reason: 'attack', code: 'ERR_ILLEGAL_TRANSITION' },
    });
    expect((await h['audit.verify']({})).ok).toBe(true);
  });

  it('refuses resurrecting a DECOMMISSIONED identity through attestation as well', async () => {
    const tp = await plane();
    await agentIn(tp, 'x', 'REVOKED');
    await expect(tp.plane.handlers['joinTokens.create']({ agentId: 'x' })).rejects.toMatchObject({ code: 'ERR_IDENTITY_NOT_ACTIVE' });
    await tp.plane.handlers['identities.transition']({ id: 'x', to: 'DECOMMISSIONED' });
    await expect(tp.plane.handlers['joinTokens.create']({ agentId: 'x' })).rejects.toMatchObject({ code: 'ERR_IDENTITY_NOT_ACTIVE' });
    expect((await tp.plane.handlers['identities.get']({ id: 'x' })).state).toBe('DECOMMISSIONED');
  });

  it('refuses activating a never-attested identity by operator fiat: ERR_ATTESTATION_REQUIRED, audited as deny', async () => {
    const tp = await plane();
    const h = tp.plane.handlers;
    await agentIn(tp, 'x', 'PROVISIONED');
    await expect(h['identities.transition']({ id: 'x', to: 'ACTIVE' })).rejects.toMatchObject({ code: 'ERR_ATTESTATION_REQUIRED' });
    expect((await h['identities.get']({ id: 'x' })).state).toBe('PROVISIONED');
    const [last] = await auditTail(tp, 1);
    expect(last).toMatchObject({ kind: 'identity.transition', decision: 'deny', details: { to: 'ACTIVE', code: 'ERR_ATTESTATION_REQUIRED' } });
  });

  it('refuses waking an IDLE identity on a stale attestation: ERR_ATTESTATION_REQUIRED once the attestation TTL has passed', async () => {
    const tp = await plane();
    const h = tp.plane.handlers;
    await agentIn(tp, 'x', 'IDLE');
    const { attestationExpiresAt } = await h['identities.get']({ id: 'x' });
    expect(attestationExpiresAt).toBe(tp.clock.now() + tp.plane.config.attestationTtlSeconds * 1000);
    // Still fresh one hour before expiry: waking is allowed.
    tp.clock.set((attestationExpiresAt as number) - HOUR);
    await h['identities.transition']({ id: 'x', to: 'ACTIVE' });
    await h['identities.transition']({ id: 'x', to: 'IDLE' });
    // Exactly at expiry it is no longer fresh.
    tp.clock.set(attestationExpiresAt as number);
    await expect(h['identities.transition']({ id: 'x', to: 'ACTIVE' })).rejects.toMatchObject({ code: 'ERR_ATTESTATION_REQUIRED' });
    expect((await h['identities.get']({ id: 'x' })).state).toBe('IDLE');
    // A new attestation makes it ACTIVE again.
    const { token } = await h['joinTokens.create']({ agentId: 'x' });
    expect(tp.plane.attestation.attestWithJoinToken('x', token).identity.state).toBe('ACTIVE');
  });

  it('refuses transitions of an unknown identity: ERR_IDENTITY_NOT_FOUND, audited as deny', async () => {
    const tp = await plane();
    await expect(tp.plane.handlers['identities.transition']({ id: 'ghost', to: 'REVOKED' })).rejects.toMatchObject({ code: 'ERR_IDENTITY_NOT_FOUND' });
    const [last] = await auditTail(tp, 1);
    expect(last).toMatchObject({ kind: 'identity.transition', decision: 'deny', subject: 'spiffe://charon.local/agent/ghost', details: { code: 'ERR_IDENTITY_NOT_FOUND' } });
  });
});

describe('IdentityService: revocation takes the credentials with it', () => {
  it.each(['identities.transition', 'identities.revoke'] as const)('stops a compromised agent from using already-issued credentials: REVOKED via %s revokes every live one', async (method) => {
    const tp = await plane();
    const h = tp.plane.handlers;
    await tp.activeAgent('x');
    await tp.activeAgent('bystander');
    const one = await h['credentials.issue']({ agentId: 'x' });
    const two = await h['credentials.issue']({ agentId: 'x' });
    const other = await h['credentials.issue']({ agentId: 'bystander' });
    const seqBefore = await headSeq(tp);
    if (method === 'identities.transition') await h['identities.transition']({ id: 'x', to: 'REVOKED', reason: 'compromised' });
    else await h['identities.revoke']({ id: 'x', reason: 'compromised' });

    const creds = await h['credentials.list']({ agentId: 'x' });
    expect(creds.map((c) => c.state)).toEqual(['REVOKED', 'REVOKED']);
    await expect(h['credentials.verify']({ token: one.token })).rejects.toMatchObject({ code: 'ERR_CREDENTIAL_REVOKED' });
    await expect(h['credentials.verify']({ token: two.token })).rejects.toMatchObject({ code: 'ERR_CREDENTIAL_REVOKED' });
    // Nobody else's credential is touched.
    expect((await h['credentials.verify']({ token: other.token })).agentId).toBe('bystander');
    // The transition and the revocation are consecutive records of the same change.
    const added = (await auditTail(tp, 10)).filter((r) => r.seq > seqBefore).reverse();
    expect(added.map((r) => [r.kind, r.decision])).toEqual([
      ['identity.transition', 'allow'],
      ['credential.revoke', 'allow'],
    ]);
    expect([...(added[1]?.details.jtis as string[])].sort()).toEqual([one.credential.jti, two.credential.jti].sort());
  });

  it('revokes in the same transaction: if revoking the credentials fails, the identity is not REVOKED either and nothing is audited', async () => {
    const tp = await plane();
    const h = tp.plane.handlers;
    await tp.activeAgent('x');
    await h['credentials.issue']({ agentId: 'x' });
    const seqBefore = await headSeq(tp);
    // Sabotage the credential update from outside, so the second half of the change fails.
    const raw = openRawDb(tp.dataDir);
    raw.exec("CREATE TRIGGER sabotage BEFORE UPDATE OF state ON credentials BEGIN SELECT RAISE(ABORT, 'disk says no'); END;");
    raw.close();
    await expect(h['identities.transition']({ id: 'x', to: 'REVOKED' })).rejects.toThrow(/disk says no/);
    expect((await h['identities.get']({ id: 'x' })).state).toBe('ACTIVE');
    expect(await headSeq(tp)).toBe(seqBefore);
    expect((await h['audit.verify']({})).ok).toBe(true);
  });

  it('DECOMMISSIONED leaves no live credential behind (kill switch then decommission)', async () => {
    const tp = await plane();
    const h = tp.plane.handlers;
    await tp.activeAgent('x');
    await h['credentials.issue']({ agentId: 'x' });
    const { revokedCredentials, identity } = await h['identities.kill']({ id: 'x', reason: 'incident' });
    expect(revokedCredentials).toBe(1);
    expect(identity.state).toBe('REVOKED');
    await h['identities.transition']({ id: 'x', to: 'DECOMMISSIONED' });
    expect(await h['credentials.list']({ agentId: 'x', liveOnly: true })).toEqual([]);
    await expect(h['credentials.issue']({ agentId: 'x' })).rejects.toMatchObject({ code: 'ERR_IDENTITY_NOT_ACTIVE' });
  });
});

describe('IdentityService: bad input is refused at the boundary and changes nothing', () => {
  /** Calls a handler the way IPC, the bridge and the CLI do: validate first, then dispatch. */
  async function call(tp: TestPlane, method: OperatorMethod, payload: unknown): Promise<unknown> {
    const v = validateOperatorCall(method, payload);
    if (!v.ok) throw Object.assign(new Error(v.error.message), v.error satisfies ErrorPayload);
    const handler = tp.plane.handlers[v.value.method] as (input: unknown) => Promise<unknown>;
    return handler(v.value.input);
  }

  const good = { id: 'builder', owner: 'alice', environment: 'dev', selectors: ['k8s:ns:a'], scopes: ['files:read'] };

  it.each<[string, OperatorMethod, unknown]>([
    ['path traversal in the id', 'identities.register', { ...good, id: '../owner/alice' }],
    ['slash smuggling a second SPIFFE segment', 'identities.register', { ...good, id: 'a/b' }],
    ['uppercase id (case-confusable)', 'identities.register', { ...good, id: 'Builder' }],
    ['dots-only id', 'identities.register', { ...good, id: '..' }],
    ['oversized id', 'identities.register', { ...good, id: 'a'.repeat(64) }],
    ['unknown environment', 'identities.register', { ...good, environment: 'staging' }],
    ['mass assignment of state', 'identities.register', { ...good, state: 'ACTIVE' }],
    ['mass assignment of attestation', 'identities.register', { ...good, attestationExpiresAt: 9e15 }],
    ['selector with whitespace', 'identities.register', { ...good, selectors: ['k8s:ns:a b'] }],
    ['selector without a type', 'identities.register', { ...good, selectors: ['nocolon'] }],
    ['scope token with a quote', 'identities.register', { ...good, scopes: ['files:"read'] }],
    ['scope token with a space (two scopes in one)', 'identities.register', { ...good, scopes: ['files:read admin'] }],
    ['too many selectors', 'identities.register', { ...good, selectors: Array.from({ length: 33 }, (_, i) => `t:${i}`) }],
    ['non-object payload', 'identities.register', 'builder'],
    ['prototype pollution key', 'identities.register', JSON.parse('{"id":"builder","owner":"alice","environment":"dev","__proto__":{"admin":true}}')],
    ['unknown target state', 'identities.transition', { id: 'builder', to: 'DELETED' }],
    ['lowercase target state', 'identities.transition', { id: 'builder', to: 'revoked' }],
    ['oversized reason', 'identities.transition', { id: 'builder', to: 'REVOKED', reason: 'x'.repeat(501) }],
    ['non-string id', 'identities.revoke', { id: 42 }],
    ['join token for a traversal id', 'joinTokens.create', { agentId: '../builder' }],
    ['join token with a negative TTL', 'joinTokens.create', { agentId: 'builder', ttlSeconds: -1 }],
    ['join token with a fractional TTL', 'joinTokens.create', { agentId: 'builder', ttlSeconds: 1.5 }],
  ])('refuses %s: ERR_INVALID_INPUT and no change', async (_name, method, payload) => {
    const tp = await plane();
    await call(tp, 'identities.register', good);
    const identitiesBefore = await tp.plane.handlers['identities.list']({});
    const seqBefore = await headSeq(tp);
    await expect(call(tp, method, payload)).rejects.toMatchObject({ code: 'ERR_INVALID_INPUT' });
    expect(await tp.plane.handlers['identities.list']({})).toEqual(identitiesBefore);
    expect(await headSeq(tp)).toBe(seqBefore);
  });

  it('an unknown method is ERR_NOT_FOUND, not a handler lookup on arbitrary keys', () => {
    expect(validateOperatorCall('constructor', {})).toMatchObject({ ok: false, error: { code: 'ERR_NOT_FOUND' } });
    expect(validateOperatorCall('__proto__', {})).toMatchObject({ ok: false, error: { code: 'ERR_NOT_FOUND' } });
  });
});
