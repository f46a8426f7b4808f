// Passkey approvals against a real control plane, with real WebAuthn assertions from a software
// authenticator (test-support/soft-authenticator.ts). Negative tests are named after the attack.
import { afterEach, describe, expect, it } from 'vitest';
import type { GrantSpecInput } from '../../src-shared/grant.js';
import type { OperatorInput, OperatorMethod, OperatorOutput } from '../../src-shared/operator-api.js';
import { validateOperatorCall } from '../../src-shared/validate.js';
import { CharonError } from '../core/errors.js';
import { openTestPlane, type TestPlane } from '../test-support/control-plane.js';
import { openRawDb } from '../test-support/raw-db.js';
import { SoftAuthenticator } from '../test-support/soft-authenticator.js';

const ORIGIN = 'http://localhost:7471';
let t: TestPlane | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

async function setup(overrides: Parameters<typeof openTestPlane>[0] = {}): Promise<TestPlane> {
  t = await openTestPlane(overrides);
  t.plane.endpoints.bridgeUrl = ORIGIN;
  await t.activeAgent('builder');
  return t;
}

/** Through the operator contract, validated like IPC and the bridge do. */
async function op<M extends OperatorMethod>(method: M, input: OperatorInput<M>): Promise<OperatorOutput<M>> {
  const checked = validateOperatorCall(method, input);
  if (!checked.ok) throw new CharonError(checked.error.code, checked.error.message);
  return (t?.plane.handlers[method] as (i: unknown) => Promise<OperatorOutput<M>>)(checked.value.input);
}

async function codeOfAsync(fn: () => Promise<unknown>): Promise<string | undefined> {
  try {
    await fn();
  } catch (error) {
    return error instanceof CharonError ? error.code : `not a CharonError: ${String(error)}`;
  }
  return undefined;
}

async function enroll(auth: SoftAuthenticator, existing?: SoftAuthenticator) {
  const ceremony = await op('passkeys.registerBegin', { label: 'laptop' });
  const registration = auth.register(ceremony.registration as { challenge: string });
  const assertion = existing && ceremony.authentication ? existing.assert(ceremony.authentication as { challenge: string }) : undefined;
  return op('passkeys.registerComplete', { ceremonyId: ceremony.ceremonyId, registration, assertion });
}

const spec = (over: Partial<GrantSpecInput> = {}): GrantSpecInput => ({
  agentId: 'builder',
  environment: 'dev',
  servers: { memory: { tools: { read_graph: {}, search_nodes: {}, delete_entities: {} } } },
  ...over,
});

function request(s: GrantSpecInput = spec(), agentId = 'builder') {
  const parsed = validateOperatorCall('grants.create', { spec: s });
  if (!parsed.ok) throw new Error(parsed.error.message);
  return (t as TestPlane).plane.approvals.requests.request(agentId, `spiffe://charon.local/agent/${agentId}`, (parsed.value.input as { spec: never }).spec, 'index the notes');
}

async function approve(auth: SoftAuthenticator, requestId: string, s: GrantSpecInput = spec()) {
  const challenge = await op('approvals.begin', { requestId, spec: s });
  const result = await op('approvals.complete', { requestId, response: auth.assert(challenge.options as { challenge: string }) });
  if (!result.grant) throw new Error('approved, but no grant was created');
  return { ...result, grant: result.grant };
}

describe('passkeys', () => {
  it('enrolls the first passkey freely; adding another needs an assertion from an existing one; removal needs a fresh one', async () => {
    await setup();
    const first = new SoftAuthenticator(ORIGIN);
    const second = new SoftAuthenticator(ORIGIN);
    expect(await op('passkeys.list', {})).toEqual([]);
    const enrolled = await enroll(first);
    expect(enrolled.id).toBe(first.credentialId);
    expect(await codeOfAsync(() => enroll(second))).toBe('ERR_PASSKEY_REQUIRED');
    await enroll(second, first);
    expect((await op('passkeys.list', {})).map((p) => p.id).sort()).toEqual([first.credentialId, second.credentialId].sort());

    // Removal with an assertion over another ceremony's challenge is refused.
    const ceremony = await op('passkeys.removeBegin', { id: second.credentialId });
    expect(await codeOfAsync(() => op('passkeys.remove', { id: second.credentialId, ceremonyId: ceremony.ceremonyId, assertion: first.assert('AAAA') }))).toBe('ERR_ASSERTION_INVALID');
    // The ceremony was single use.
    expect(await codeOfAsync(() => op('passkeys.remove', { id: second.credentialId, ceremonyId: ceremony.ceremonyId, assertion: first.assert(ceremony.authentication as { challenge: string }) }))).toBe('ERR_CHALLENGE_INVALID');
    const again = await op('passkeys.removeBegin', { id: second.credentialId });
    await op('passkeys.remove', { id: second.credentialId, ceremonyId: again.ceremonyId, assertion: first.assert(again.authentication as { challenge: string }) });
    expect((await op('passkeys.list', {})).map((p) => p.id)).toEqual([first.credentialId]);
    // The last one stays: with none, enrolment would be open to anything on the operator channel again.
    const last = await op('passkeys.removeBegin', { id: first.credentialId });
    expect(await codeOfAsync(() => op('passkeys.remove', { id: first.credentialId, ceremonyId: last.ceremonyId, assertion: first.assert(last.authentication as { challenge: string }) }))).toBe('ERR_PASSKEY_REQUIRED');
    expect((await op('passkeys.list', {})).map((p) => p.id)).toEqual([first.credentialId]);
    const kinds = t?.plane.store.audit.list({ limit: 500, kind: 'passkey.register' }).map((e) => e.decision);
    expect(kinds).toEqual(expect.arrayContaining(['allow', 'deny']));
  });

  it('refuses a registration without user verification', async () => {
    await setup();
    const auth = new SoftAuthenticator(ORIGIN);
    const ceremony = await op('passkeys.registerBegin', {});
    const registration = auth.register(ceremony.registration as { challenge: string }, { userVerified: false });
    expect(await codeOfAsync(() => op('passkeys.registerComplete', { ceremonyId: ceremony.ceremonyId, registration }))).toBe('ERR_USER_VERIFICATION_REQUIRED');
  });
});

describe('grant approvals', () => {
  it('approves a request with a passkey: the grant and its evidence are stored together, audited, and verify offline', async () => {
    await setup();
    const auth = new SoftAuthenticator(ORIGIN);
    await enroll(auth);
    const r = request();
    expect(r.state).toBe('PENDING');
    const inbox = await op('approvals.list', {});
    expect(inbox).toHaveLength(1);
    expect(inbox[0]?.risk).toBe('transact');
    expect(inbox[0]?.tools.find((x) => x.name === 'memory__read_graph')?.risk).toBe('read');
    expect(inbox[0]?.diff.added).toContain('memory__read_graph');

    const { grant, request: decided } = await approve(auth, r.id);
    expect(decided.state).toBe('APPROVED');
    expect(decided.grantId).toBe(grant.id);
    expect(grant.state).toBe('ACTIVE');
    const verified = await op('grants.verify', { id: grant.id });
    expect(verified).toMatchObject({ ok: true, method: 'passkey', problem: null, requestId: r.id, credentialId: auth.credentialId });
    const audit = t?.plane.store.audit.list({ limit: 500, kind: 'grant.approve' }) ?? [];
    expect(audit.at(-1)?.details).toMatchObject({ method: 'passkey', grantId: grant.id, specHash: grant.specHash, credentialId: auth.credentialId });
    expect(String(audit.at(-1)?.details.assertionDigest)).toMatch(/^[0-9a-f]{64}$/);
    expect(await op('approvals.list', {})).toEqual([]);
  });

  it('approves a narrowed subset exactly as shown, and refuses one wider than the request', async () => {
    await setup();
    const auth = new SoftAuthenticator(ORIGIN);
    await enroll(auth);
    const r = request();
    const narrow = spec({ servers: { memory: { tools: { read_graph: {} } } } });
    expect(await codeOfAsync(() => op('approvals.begin', { requestId: r.id, spec: spec({ servers: { memory: { tools: { read_graph: {}, create_entities: {} } } } }) }))).toBe('ERR_GRANT_WIDENS');
    const { grant } = await approve(auth, r.id, narrow);
    expect(Object.keys(grant.spec.servers.memory?.tools ?? {})).toEqual(['read_graph']);
    expect((await op('grants.verify', { id: grant.id })).ok).toBe(true);
  });

  it('approval without a passkey: none enrolled, no assertion, a forged assertion, or no begun approval is refused', async () => {
    await setup();
    const r = request();
    expect(await codeOfAsync(() => op('approvals.begin', { requestId: r.id, spec: spec() }))).toBe('ERR_PASSKEY_REQUIRED');
    const owner = new SoftAuthenticator(ORIGIN);
    await enroll(owner);
    // No assertion at all: the contract refuses the call.
    expect(await codeOfAsync(() => op('approvals.complete', { requestId: r.id } as never))).toBe('ERR_INVALID_INPUT');
    // Never begun: nothing to answer.
    expect(await codeOfAsync(() => op('approvals.complete', { requestId: r.id, response: owner.assert('AAAA') }))).toBe('ERR_CHALLENGE_INVALID');
    // An authenticator that is not enrolled, even claiming an enrolled credential id.
    const intruder = new SoftAuthenticator(ORIGIN);
    let challenge = await op('approvals.begin', { requestId: r.id, spec: spec() });
    expect(await codeOfAsync(() => op('approvals.complete', { requestId: r.id, response: intruder.assert(challenge.options as { challenge: string }) }))).toBe('ERR_PASSKEY_REQUIRED');
    challenge = await op('approvals.begin', { requestId: r.id, spec: spec() });
    const forged = { ...intruder.assert(challenge.options as { challenge: string }), id: owner.credentialId, rawId: owner.credentialId };
    expect(await codeOfAsync(() => op('approvals.complete', { requestId: r.id, response: forged }))).toBe('ERR_ASSERTION_INVALID');
    expect(t?.plane.grants.list({ agentId: 'builder' })).toEqual([]);
    expect((await op('approvals.list', {})).map((i) => i.request.id)).toEqual([r.id]);
  });

  it('an assertion replayed for another grant request is refused', async () => {
    await setup();
    const owner = new SoftAuthenticator(ORIGIN);
    await enroll(owner);
    const a = request();
    const b = request(spec({ servers: { memory: { tools: { delete_entities: {} } } } }));
    const forA = await op('approvals.begin', { requestId: a.id, spec: spec() });
    await op('approvals.begin', { requestId: b.id, spec: spec({ servers: { memory: { tools: { delete_entities: {} } } } }) });
    const assertionForA = owner.assert(forA.options as { challenge: string });
    expect(await codeOfAsync(() => op('approvals.complete', { requestId: b.id, response: assertionForA }))).toBe('ERR_ASSERTION_INVALID');
    expect(t?.plane.grants.list({ agentId: 'builder' })).toEqual([]);
  });

  it('assertion reuse: the same assertion cannot approve twice, nor can a stale counter', async () => {
    await setup();
    const owner = new SoftAuthenticator(ORIGIN);
    await enroll(owner);
    const r = request();
    const challenge = await op('approvals.begin', { requestId: r.id, spec: spec() });
    const assertion = owner.assert(challenge.options as { challenge: string });
    await op('approvals.complete', { requestId: r.id, response: assertion });
    expect(await codeOfAsync(() => op('approvals.complete', { requestId: r.id, response: assertion }))).toBe('ERR_CHALLENGE_INVALID');
    const r2 = request(spec({ servers: { memory: { tools: { search_nodes: {} } } } }));
    const c2 = await op('approvals.begin', { requestId: r2.id, spec: spec({ servers: { memory: { tools: { search_nodes: {} } } } }) });
    // A cloned authenticator (or a captured signature) replaying an old counter value.
    expect(await codeOfAsync(() => op('approvals.complete', { requestId: r2.id, response: owner.assert(c2.options as { challenge: string }, { counter: 1 }) }))).toBe('ERR_ASSERTION_INVALID');
    expect(t?.plane.grants.list({ agentId: 'builder' })).toHaveLength(1);
  });

  it('UV flag false: an assertion without user verification does not approve', async () => {
    await setup();
    const owner = new SoftAuthenticator(ORIGIN);
    await enroll(owner);
    const r = request();
    const c = await op('approvals.begin', { requestId: r.id, spec: spec() });
    expect(await codeOfAsync(() => op('approvals.complete', { requestId: r.id, response: owner.assert(c.options as { challenge: string }, { userVerified: false }) }))).toBe('ERR_USER_VERIFICATION_REQUIRED');
    expect(t?.plane.grants.list({ agentId: 'builder' })).toEqual([]);
  });

  it('wrong origin: an assertion made for another site, or for another RP ID, does not approve', async () => {
    await setup();
    const owner = new SoftAuthenticator(ORIGIN);
    await enroll(owner);
    const r = request();
    let c = await op('approvals.begin', { requestId: r.id, spec: spec() });
    const phished = owner.assert(c.options as { challenge: string }, { origin: 'http://localhost:9999' });
    expect(await codeOfAsync(() => op('approvals.complete', { requestId: r.id, response: phished }))).toBe('ERR_ASSERTION_INVALID');
    c = await op('approvals.begin', { requestId: r.id, spec: spec() });
    expect(await codeOfAsync(() => op('approvals.complete', { requestId: r.id, response: owner.assert(c.options as { challenge: string }, { rpId: 'evil.example' }) }))).toBe('ERR_ASSERTION_INVALID');
    expect(t?.plane.grants.list({ agentId: 'builder' })).toEqual([]);
    const denials = t?.plane.store.audit.list({ limit: 500, kind: 'grant.approve' }).filter((e) => e.decision === 'deny') ?? [];
    expect(denials.length).toBeGreaterThanOrEqual(2);
  });

  it('an expired request cannot be approved, nor can an expired challenge be answered', async () => {
    const tp = await setup();
    const owner = new SoftAuthenticator(ORIGIN);
    await enroll(owner);
    const r = request();
    const c = await op('approvals.begin', { requestId: r.id, spec: spec() });
    tp.clock.advance(3 * 60 * 1000);
    expect(await codeOfAsync(() => op('approvals.complete', { requestId: r.id, response: owner.assert(c.options as { challenge: string }) }))).toBe('ERR_CHALLENGE_EXPIRED');
    tp.clock.advance(25 * 3600 * 1000);
    expect(await codeOfAsync(() => op('approvals.begin', { requestId: r.id, spec: spec() }))).toBe('ERR_GRANT_REQUEST_EXPIRED');
    expect((await op('approvals.list', { state: 'EXPIRED' })).map((i) => i.request.id)).toEqual([r.id]);
  });

  it('a stored grant altered after approval no longer verifies', async () => {
    const tp = await setup();
    const owner = new SoftAuthenticator(ORIGIN);
    await enroll(owner);
    const { grant } = await approve(owner, request().id, spec({ servers: { memory: { tools: { read_graph: {} } } } }));
    expect((await op('grants.verify', { id: grant.id })).ok).toBe(true);
    const db = openRawDb(tp.dataDir);
    try {
      const widened = { ...grant.spec, servers: { memory: { tools: { read_graph: {}, delete_entities: {} }, resources: [], prompts: [] } } };
      db.prepare('UPDATE grants SET spec = ? WHERE id = ?').run(JSON.stringify(widened), grant.id);
      expect(await op('grants.verify', { id: grant.id })).toMatchObject({ ok: false, problem: 'spec-changed' });
      // Rewriting the approval's record of the spec too does not help: the signed challenge no longer matches.
      const { createHash } = await import('node:crypto');
      const { canonicalJson } = await import('../core/canonical-json.js');
      const hash = createHash('sha256').update(canonicalJson(widened)).digest('hex');
      db.prepare('UPDATE grant_approvals SET spec = ?, spec_hash = ? WHERE grant_id = ?').run(JSON.stringify(widened), hash, grant.id);
      expect(await op('grants.verify', { id: grant.id })).toMatchObject({ ok: false, problem: 'challenge-mismatch' });
      db.prepare('UPDATE grants SET spec = ? WHERE id = ?').run(JSON.stringify(grant.spec), grant.id);
      db.prepare('UPDATE grant_approvals SET spec = ?, spec_hash = ? WHERE grant_id = ?').run(JSON.stringify(grant.spec), grant.specHash, grant.id);
      expect((await op('grants.verify', { id: grant.id })).ok).toBe(true);
      // A flipped signature byte.
      const row = db.prepare('SELECT signature FROM grant_approvals WHERE grant_id = ?').get(grant.id) as { signature: string };
      const sig = Buffer.from(row.signature, 'base64url');
      sig[sig.length - 3] = (sig[sig.length - 3] as number) ^ 1;
      db.prepare('UPDATE grant_approvals SET signature = ? WHERE grant_id = ?').run(sig.toString('base64url'), grant.id);
      expect(await op('grants.verify', { id: grant.id })).toMatchObject({ ok: false, problem: 'signature-invalid' });
    } finally {
      db.close();
    }
  });

  it('denies with a reason; repeated denials make the agent back off; pending requests are bounded', async () => {
    const tp = await setup();
    const r = request();
    const denied = await op('approvals.deny', { requestId: r.id, reason: 'not now' });
    expect(denied).toMatchObject({ state: 'DENIED', reason: 'not now' });
    expect(await codeOfAsync(async () => request())).toBe('ERR_GRANT_REQUEST_BACKOFF');
    tp.clock.advance(61_000);
    const ids = [request().id];
    for (let i = 0; i < 4; i++) ids.push(request().id);
    expect(await codeOfAsync(async () => request())).toBe('ERR_GRANT_REQUEST_LIMIT');
    tp.plane.approvals.requests.withdraw('builder', 'spiffe://charon.local/agent/builder', ids[0] as string);
    expect(request().state).toBe('PENDING');
  });

  it('an agent may request only for itself', async () => {
    await setup();
    await t?.activeAgent('other');
    expect(await codeOfAsync(async () => request(spec(), 'other'))).toBe('ERR_FORBIDDEN');
  });

  it('prod grants need the approval path; dev grants.create still works directly', async () => {
    await setup();
    await t?.plane.handlers['identities.register']({ id: 'payer', owner: 'alice', environment: 'prod', selectors: [], scopes: [] });
    expect(await codeOfAsync(() => op('grants.create', { spec: spec({ agentId: 'payer', environment: 'prod' }) }))).toBe('ERR_APPROVAL_REQUIRED');
    const dev = await op('grants.create', { spec: spec() });
    expect(await op('grants.verify', { id: dev.id })).toMatchObject({ ok: false, problem: 'no-approval' });
  });

  it('auto-approves dev requests under a rule, audited as such; never prod, never above the rule risk', async () => {
    const tp = await setup({ autoApprove: [{ name: 'dev-reads', environments: ['dev'], maxRisk: 'read' }] });
    const auto = request(spec({ servers: { memory: { tools: { read_graph: {}, search_nodes: {} } } } }));
    expect(auto.state).toBe('APPROVED');
    expect(auto.grantId).toMatch(/^grt_/);
    const event = tp.plane.store.audit.list({ limit: 500, kind: 'grant.auto-approve' }).at(-1);
    expect(event).toMatchObject({ actor: 'auto-approve:dev-reads', decision: 'allow' });
    expect(await op('grants.verify', { id: auto.grantId as string })).toMatchObject({ ok: false, problem: 'auto-approved', method: 'auto' });
    expect(request().state).toBe('PENDING');
    await tp.activeAgent('payer', { environment: 'prod' });
    expect(request(spec({ agentId: 'payer', environment: 'prod', servers: { memory: { tools: { read_graph: {} } } } }), 'payer').state).toBe('PENDING');
  });
});

describe('emergency rotation', () => {
  it('rotate-and-revoke-everything without a fresh passkey assertion is refused once a passkey is enrolled; a removal ceremony or a used one does not count', async () => {
    const tp = await setup();
    const auth = new SoftAuthenticator(ORIGIN);
    const issued = await op('credentials.issue', { agentId: 'builder' });
    // Before any enrolment there is nothing to assert with: the operator channel is the gate.
    expect(await op('keys.emergencyRotateBegin', {})).toBeNull();
    await enroll(auth);
    const second = new SoftAuthenticator(ORIGIN);
    await enroll(second, auth);
    expect(await codeOfAsync(() => op('keys.emergencyRotate', { reason: 'no assertion' }))).toBe('ERR_PASSKEY_REQUIRED');
    // An assertion answering a passkey-removal ceremony cannot authorize the rotation.
    const removal = await op('passkeys.removeBegin', { id: second.credentialId });
    expect(await codeOfAsync(() => op('keys.emergencyRotate', { reason: 'other ceremony', ceremonyId: removal.ceremonyId, assertion: auth.assert(removal.authentication as { challenge: string }) }))).toBe('ERR_CHALLENGE_INVALID');
    const ceremony = await op('keys.emergencyRotateBegin', {});
    expect(await codeOfAsync(() => op('keys.emergencyRotate', { reason: 'no UV', ceremonyId: ceremony?.ceremonyId, assertion: auth.assert(ceremony?.authentication as { challenge: string }, { userVerified: false }) }))).toBe('ERR_USER_VERIFICATION_REQUIRED');
    // Nothing was rotated or revoked by the refusals.
    expect((await op('credentials.list', {})).find((c) => c.jti === issued.credential.jti)?.state).toBe('ACTIVE');
    const fresh = await op('keys.emergencyRotateBegin', {});
    const result = await op('keys.emergencyRotate', { reason: 'key exposed', ceremonyId: fresh?.ceremonyId, assertion: auth.assert(fresh?.authentication as { challenge: string }) });
    expect(result.revokedCredentials).toBeGreaterThanOrEqual(1);
    // The ceremony was single use.
    expect(await codeOfAsync(() => op('keys.emergencyRotate', { reason: 'again', ceremonyId: fresh?.ceremonyId, assertion: auth.assert(fresh?.authentication as { challenge: string }) }))).toBe('ERR_CHALLENGE_INVALID');
    const stepUps = tp.plane.store.audit.list({ limit: 500, kind: 'passkey.step-up' }).map((e) => e.decision);
    expect(stepUps).toEqual(['deny', 'allow', 'deny', 'deny', 'deny']); // newest first
  });
});
