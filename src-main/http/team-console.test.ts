// The remote console through its real TLS listener: operators enrol with a one-time invite, sign
// in with a passkey (software authenticator, RP ID console.charon.test), and the contract is
// scoped to each. Negative tests are named after the attack and assert the stable code.
import { request as httpsRequest } from 'node:https';
import { afterEach, describe, expect, it } from 'vitest';
import type { GrantSpecInput } from '../../src-shared/grant.js';
import { grantSpecSchema } from '../../src-shared/grant.js';
import { teamConsole } from '../app/team-console.js';
import { subscribeOperatorEvents } from '../app/operator-events.js';
import { openTestPlane, type TestPlane } from '../test-support/control-plane.js';
import { makeCertificates } from '../test-support/https-fixture.js';
import { openRawDb } from '../test-support/raw-db.js';
import { SoftAuthenticator } from '../test-support/soft-authenticator.js';
import { startTeamConsole, type TeamConsoleListener } from './team-console-listener.js';

const NAME = 'console.charon.test';
const certs = makeCertificates(`DNS:${NAME}`);
let t: TestPlane | undefined;
let listener: TeamConsoleListener | undefined;
afterEach(async () => {
  await listener?.close();
  await t?.close();
  listener = undefined;
  t = undefined;
});

interface Reply {
  status: number;
  body: { ok: boolean; value?: unknown; error?: { code: string; message: string } };
  cookie: string | null;
  challenge: string | null;
}

/** One browser's view of the console: its cookie jar, its authenticator, its origin. */
class Browser {
  cookie = '';
  readonly auth: SoftAuthenticator;
  constructor(
    readonly origin: string,
    readonly port: number,
  ) {
    this.auth = new SoftAuthenticator(origin, NAME);
  }

  send(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply> {
    return new Promise((resolve, reject) => {
      const req = httpsRequest(
        { host: '127.0.0.1', port: this.port, servername: NAME, path, method, ca: certs.ca, headers: { host: `${NAME}:${this.port}`, origin: this.origin, 'content-type': 'application/json', ...(this.cookie ? { cookie: this.cookie } : {}), ...headers } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const set = res.headers['set-cookie']?.[0] ?? null;
            if (set) this.cookie = set.split(';')[0] as string;
            resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Reply['body'], cookie: set, challenge: res.headers['www-authenticate'] ?? null });
          });
        },
      );
      req.on('error', reject);
      req.end(body === undefined ? undefined : JSON.stringify(body));
    });
  }

  async value<T>(path: string, body?: unknown): Promise<T> {
    const reply = await this.send('POST', path, body ?? {});
    if (!reply.body.ok) throw new Error(`${path}: ${reply.body.error?.code} ${reply.body.error?.message}`);
    return reply.body.value as T;
  }

  async enrol(inviteCode: string): Promise<void> {
    const ceremony = await this.value<{ ceremonyId: string; options: { challenge: string } }>('/session/enrol/begin', { invite: inviteCode });
    await this.value('/session/enrol/complete', { invite: inviteCode, ceremonyId: ceremony.ceremonyId, registration: this.auth.register(ceremony.options) });
  }

  async signIn(): Promise<void> {
    const ceremony = await this.value<{ ceremonyId: string; options: { challenge: string } }>('/session/sign-in/begin');
    await this.value('/session/sign-in/complete', { ceremonyId: ceremony.ceremonyId, assertion: this.auth.assert(ceremony.options) });
  }

  api<T>(method: string, input: unknown): Promise<T> {
    return this.value<T>(`/api/${method}`, input);
  }

  /** Begins and completes an approval of `spec` with this browser's passkey. */
  async approve(requestId: string, spec: unknown): Promise<{ grant: { id: string } | null; quorum: { signedBy: string[] } | null }> {
    const challenge = await this.api<{ options: { challenge: string } }>('approvals.begin', { requestId, spec });
    return this.api('approvals.complete', { requestId, response: this.auth.assert(challenge.options) });
  }
}

async function setup(quorum = false): Promise<{ plane: TestPlane['plane']; browser: () => Browser }> {
  t = await openTestPlane(quorum ? { quorum: [{ environment: 'prod', required: 2, approvers: ['alice', 'bob', 'carol'] }] } : {});
  const { plane } = t;
  listener = await startTeamConsole({
    console: teamConsole(plane, NAME, 0),
    address: '127.0.0.1',
    port: 0,
    name: NAME,
    tls: { cert: certs.cert, key: certs.key },
    subscribe: (sink) => subscribeOperatorEvents(plane.auditFeed, sink),
  });
  const port = listener.port;
  return { plane, browser: () => new Browser(`https://${NAME}:${port}`, port) };
}

async function signedIn(plane: TestPlane['plane'], make: () => Browser, id: string, role: 'admin' | 'owner' = 'owner'): Promise<Browser> {
  const b = make();
  await b.enrol((await plane.handlers['operators.invite']({ id, role })).code);
  await b.signIn();
  return b;
}

const spec = (agentId: string, environment: 'dev' | 'prod', over: Partial<GrantSpecInput> = {}) =>
  grantSpecSchema.parse({ agentId, environment, servers: { memory: { tools: { read_graph: {}, search_nodes: {} } } }, ...over });

async function agentRequest(plane: TestPlane['plane'], agentId: string, owner: string, environment: 'dev' | 'prod' = 'dev') {
  if (!plane.store.identities.get(agentId)) await plane.handlers['identities.register']({ id: agentId, owner, environment, selectors: [], scopes: [] });
  return plane.approvals.requests.request(agentId, `spiffe://charon.local/agent/${agentId}`, spec(agentId, environment), 'read the notes');
}

describe('team console: operators sign in with passkeys and see their own agents', () => {
  it('an operator enrols with an invite, signs in, sees only their agents’ requests and approves one; the chain names them', async () => {
    const { plane, browser } = await setup();
    const alice = await signedIn(plane, browser, 'alice');
    const own = await agentRequest(plane, 'alice-bot', 'alice');
    await agentRequest(plane, 'bob-bot', 'bob');

    const me = await alice.send('GET', '/session');
    expect(me.body.value).toMatchObject({ operator: { id: 'alice', role: 'owner' } });
    const inbox = await alice.api<{ request: { id: string } }[]>('approvals.list', {});
    expect(inbox.map((i) => i.request.id)).toEqual([own.id]);
    const status = await alice.api<{ dataDir: string; store: { location: string } }>('status.get', {});
    expect([status.dataDir, status.store.location]).toEqual(['(on the server)', '(on the server)']);
    const agents = await alice.api<{ id: string }[]>('identities.list', {});
    expect(agents.map((a) => a.id)).toEqual(['alice-bot']);

    const { grant } = await alice.approve(own.id, own.spec);
    expect(grant).not.toBeNull();
    const approve = plane.store.audit.list({ limit: 50, kind: 'grant.approve' }).at(-1);
    expect(approve?.actor).toBe('operator:alice');
    expect(plane.store.audit.list({ limit: 50, kind: 'operator.sign-in' }).map((r) => r.actor)).toEqual(['operator:alice']);
    const verified = await alice.api<{ ok: boolean }>('grants.verify', { id: grant?.id });
    expect(verified.ok).toBe(true);
    // Re-verifiable offline, against the console's RP ID and origin as recorded.
    expect(await plane.approvals.approvals.passkeyApproved(grant?.id as string)).toBe(true);
  });

  it('another owner approving someone else’s request: ERR_FORBIDDEN, at begin and at complete', async () => {
    const { plane, browser } = await setup();
    const bob = await signedIn(plane, browser, 'bob');
    const alices = await agentRequest(plane, 'alice-bot', 'alice');
    const begin = await bob.send('POST', '/api/approvals.begin', { requestId: alices.id, spec: alices.spec });
    expect([begin.status, begin.body.error?.code]).toEqual([403, 'ERR_FORBIDDEN']);
    const deny = await bob.send('POST', '/api/approvals.deny', { requestId: alices.id });
    expect([deny.status, deny.body.error?.code]).toEqual([403, 'ERR_FORBIDDEN']);
    expect(plane.approvals.requests.find(alices.id)?.state).toBe('PENDING');
    // Who tried is on record (newest first).
    expect(plane.store.audit.list({ limit: 50, kind: 'operator.refused' }).map((r) => [r.actor, r.subject, r.details.code])).toEqual([
      ['operator:bob', 'approvals.deny', 'ERR_FORBIDDEN'],
      ['operator:bob', 'approvals.begin', 'ERR_FORBIDDEN'],
    ]);
  });

  it('a call without a session, or with a forged session cookie: 401 ERR_UNAUTHENTICATED', async () => {
    const { plane, browser } = await setup();
    await agentRequest(plane, 'alice-bot', 'alice');
    const anonymous = browser();
    const none = await anonymous.send('POST', '/api/approvals.list', {});
    expect([none.status, none.body.error?.code]).toEqual([401, 'ERR_UNAUTHENTICATED']);
    expect(none.challenge).toBe(`Passkey realm="${NAME}", sign_in="/session/sign-in/begin"`);
    anonymous.cookie = '__Host-charon_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
    const forged = await anonymous.send('POST', '/api/approvals.list', {});
    expect([forged.status, forged.body.error?.code]).toEqual([401, 'ERR_UNAUTHENTICATED']);
  });

  it('a cross-site request riding on the session cookie: 403 ERR_BAD_ORIGIN; a request for another host name: 403 ERR_BAD_HOST', async () => {
    const { plane, browser } = await setup();
    const alice = await signedIn(plane, browser, 'alice');
    const crossSite = await alice.send('POST', '/api/approvals.list', {}, { origin: 'https://evil.example' });
    expect([crossSite.status, crossSite.body.error?.code]).toEqual([403, 'ERR_BAD_ORIGIN']);
    const noOrigin = await alice.send('POST', '/api/approvals.list', {}, { origin: '' });
    expect(noOrigin.body.error?.code).toBe('ERR_BAD_ORIGIN');
    const rebound = await alice.send('POST', '/api/approvals.list', {}, { host: `evil.example:${alice.port}` });
    expect([rebound.status, rebound.body.error?.code]).toEqual([403, 'ERR_BAD_HOST']);
  });

  it('an owner calling an admin’s method (servers, keys, operators): ERR_FORBIDDEN; an admin may, but an admin granting another owner’s agent directly: ERR_FORBIDDEN', async () => {
    const { plane, browser } = await setup();
    const alice = await signedIn(plane, browser, 'alice');
    for (const [method, input] of [['servers.list', {}], ['keys.rotate', {}], ['operators.invite', { id: 'mallory', role: 'admin' }], ['reaper.run', {}], ['owners.set', { id: 'bob', state: 'DEPARTED' }]] as const) {
      const reply = await alice.send('POST', `/api/${method}`, input);
      expect([method, reply.status, reply.body.error?.code]).toEqual([method, 403, 'ERR_FORBIDDEN']);
    }
    expect(plane.store.signingKeys.list().length).toBe(1);
    const admin = await signedIn(plane, browser, 'root', 'admin');
    expect(await admin.api<unknown[]>('servers.list', {})).toEqual([]);
    // Admin or not, consent is the owner's: no direct grant for another owner's agent.
    await agentRequest(plane, 'alice-bot', 'alice');
    const direct = await admin.send('POST', '/api/grants.create', { spec: spec('alice-bot', 'dev') });
    expect([direct.status, direct.body.error?.code]).toEqual([403, 'ERR_FORBIDDEN']);
    expect(plane.grants.list({ agentId: 'alice-bot' })).toEqual([]);
    const invite = await admin.api<{ operator: { id: string } }>('operators.invite', { id: 'dave' });
    expect(invite.operator.id).toBe('dave');
    expect(plane.store.audit.list({ limit: 50, kind: 'operator.invite' }).map((r) => r.actor)).toContain('operator:root');
  });

  it('an owner reads only their agents’ records, and may stop only their own agents: another’s kill is ERR_FORBIDDEN', async () => {
    const { plane, browser } = await setup();
    const alice = await signedIn(plane, browser, 'alice');
    await agentRequest(plane, 'alice-bot', 'alice');
    await agentRequest(plane, 'bob-bot', 'bob');
    const records = await alice.api<{ subject: string; details: { agentId?: string } }[]>('audit.list', { limit: 500 });
    expect(records.some((r) => r.details.agentId === 'alice-bot')).toBe(true);
    expect(records.some((r) => r.details.agentId === 'bob-bot' || r.subject === 'bob-bot')).toBe(false);
    const others = await alice.send('POST', '/api/identities.kill', { id: 'bob-bot', reason: 'not mine' });
    expect([others.status, others.body.error?.code]).toEqual([403, 'ERR_FORBIDDEN']);
    expect(plane.store.identities.get('bob-bot')?.state).toBe('PROVISIONED');
    await alice.api('identities.kill', { id: 'alice-bot', reason: 'lost laptop' });
    expect(plane.store.identities.get('alice-bot')?.state).toBe('REVOKED');
    expect(plane.store.audit.list({ limit: 50, kind: 'identity.kill' }).map((r) => [r.subject, r.actor])).toEqual([['spiffe://charon.local/agent/alice-bot', 'operator:alice']]);
    // Her own agent's lifecycle records are hers to read; bob's are not.
    const after = await alice.api<{ kind: string }[]>('audit.list', { limit: 500 });
    expect(after.some((r) => r.kind === 'identity.kill')).toBe(true);
  });

  it('replaying a used invite, or enrolling with a made-up one: ERR_INVITE_INVALID', async () => {
    const { plane, browser } = await setup();
    const { code } = await plane.handlers['operators.invite']({ id: 'alice' });
    await browser().enrol(code);
    const again = browser();
    const replay = await again.send('POST', '/session/enrol/begin', { invite: code });
    expect([replay.status, replay.body.error?.code]).toEqual([403, 'ERR_INVITE_INVALID']);
    const madeUp = await again.send('POST', '/session/enrol/begin', { invite: `inv_${'A'.repeat(43)}` });
    expect(madeUp.body.error?.code).toBe('ERR_INVITE_INVALID');
  });

  it('approving with another operator’s passkey: ERR_PASSKEY_REQUIRED', async () => {
    const { plane, browser } = await setup();
    const alice = await signedIn(plane, browser, 'alice');
    const bob = await signedIn(plane, browser, 'bob');
    const own = await agentRequest(plane, 'alice-bot', 'alice');
    const challenge = await alice.api<{ options: { challenge: string } }>('approvals.begin', { requestId: own.id, spec: own.spec });
    const stolen = await alice.send('POST', '/api/approvals.complete', { requestId: own.id, response: bob.auth.assert(challenge.options) });
    expect([stolen.status, stolen.body.error?.code]).toEqual([403, 'ERR_PASSKEY_REQUIRED']);
  });

  it('a removed operator’s session stops at once', async () => {
    const { plane, browser } = await setup();
    const alice = await signedIn(plane, browser, 'alice');
    expect((await alice.send('POST', '/api/approvals.list', {})).status).toBe(200);
    await plane.handlers['operators.remove']({ id: 'alice' });
    const after = await alice.send('POST', '/api/approvals.list', {});
    expect([after.status, after.body.error?.code]).toEqual([401, 'ERR_UNAUTHENTICATED']);
    const signIn = await alice.send('POST', '/session/sign-in/begin', {});
    const ceremony = signIn.body.value as { ceremonyId: string; options: { challenge: string } };
    const back = await alice.send('POST', '/session/sign-in/complete', { ceremonyId: ceremony.ceremonyId, assertion: alice.auth.assert(ceremony.options) });
    expect(back.body.error?.code).toBe('ERR_PASSKEY_REQUIRED');
  });
});

describe('team console: M of N approvers for prod grants', () => {
  it('a prod grant under 2 of 3 is created and enforced only with the second approver’s passkey, over the same spec', async () => {
    const { plane, browser } = await setup(true);
    const alice = await signedIn(plane, browser, 'alice');
    const bob = await signedIn(plane, browser, 'bob');
    const dave = await signedIn(plane, browser, 'dave');
    const r = await agentRequest(plane, 'pay-bot', 'dave', 'prod');

    // The agent's owner is not among the approvers: dave sees it but cannot sign it.
    const byOwner = await dave.send('POST', '/api/approvals.begin', { requestId: r.id, spec: r.spec });
    expect(byOwner.body.error?.code).toBe('ERR_FORBIDDEN');
    expect((await alice.api<unknown[]>('approvals.list', {})).length).toBe(1);

    const first = await alice.approve(r.id, r.spec);
    expect(first.grant).toBeNull();
    expect(first.quorum?.signedBy).toEqual(['alice']);
    expect(plane.grants.list({ agentId: 'pay-bot' })).toEqual([]);

    const twice = await alice.send('POST', '/api/approvals.begin', { requestId: r.id, spec: r.spec });
    expect([twice.status, twice.body.error?.code]).toEqual([409, 'ERR_QUORUM_ALREADY_SIGNED']);
    const narrower = spec('pay-bot', 'prod', { servers: { memory: { tools: { read_graph: {} } } } });
    const other = await bob.send('POST', '/api/approvals.begin', { requestId: r.id, spec: narrower });
    expect([other.status, other.body.error?.code]).toEqual([409, 'ERR_QUORUM_SPEC_MISMATCH']);

    const second = await bob.approve(r.id, r.spec);
    expect(second.quorum?.signedBy).toEqual(['alice', 'bob']);
    const grantId = second.grant?.id as string;
    expect(await plane.approvals.approvals.passkeyApproved(grantId)).toBe(true);
    const verified = await bob.api<{ ok: boolean; signatures: { operatorId: string; ok: boolean }[] }>('grants.verify', { id: grantId });
    expect(verified.ok).toBe(true);
    expect(verified.signatures.map((s) => [s.operatorId, s.ok])).toEqual([
      ['alice', true],
      ['bob', true],
    ]);
    expect(plane.store.audit.list({ limit: 100, kind: 'grant.approve.sign' }).map((x) => x.actor)).toEqual(['operator:alice']);
  });

  it('after a first approver signs a narrower spec, the next approver’s card states that spec, not the request', async () => {
    const { plane, browser } = await setup(true);
    const alice = await signedIn(plane, browser, 'alice');
    const bob = await signedIn(plane, browser, 'bob');
    const r = await agentRequest(plane, 'pay-bot', 'alice', 'prod');
    const narrower = spec('pay-bot', 'prod', { servers: { memory: { tools: { read_graph: {} } } } });
    await alice.approve(r.id, narrower);
    const [item] = await bob.api<{ tools: { name: string }[]; diff: { widenings: { subject: string }[] }; quorum: { spec: unknown } }[]>('approvals.list', {});
    expect(item?.tools.map((t) => t.name)).toEqual(['memory__read_graph']);
    expect(item?.diff.widenings.map((w) => w.subject)).toEqual(['memory__read_graph']);
    expect(item?.quorum.spec).toEqual(narrower);
  });

  it('a signature deleted behind Charon’s back: the prod grant no longer verifies, so it is not enforced', async () => {
    const { plane, browser } = await setup(true);
    const alice = await signedIn(plane, browser, 'alice');
    const carol = await signedIn(plane, browser, 'carol');
    const r = await agentRequest(plane, 'pay-bot', 'alice', 'prod');
    await alice.approve(r.id, r.spec);
    const { grant } = await carol.approve(r.id, r.spec);
    const raw = openRawDb(plane.config.dataDir);
    raw.prepare("DELETE FROM approval_signatures WHERE operator_id = 'alice'").run();
    raw.close();
    expect(await plane.approvals.approvals.passkeyApproved(grant?.id as string)).toBe(false);
    const verified = await plane.handlers['grants.verify']({ id: grant?.id as string });
    expect([verified.ok, verified.problem]).toEqual([false, 'quorum-not-met']);
  });

  it('the desktop owner approving a prod grant that needs 2 of 3: ERR_FORBIDDEN', async () => {
    const { plane } = await setup(true);
    const r = await agentRequest(plane, 'pay-bot', 'alice', 'prod');
    const local = new SoftAuthenticator('http://localhost:7471');
    plane.endpoints.bridgeUrl = 'http://localhost:7471';
    const ceremony = await plane.handlers['passkeys.registerBegin']({});
    await plane.handlers['passkeys.registerComplete']({ ceremonyId: ceremony.ceremonyId, registration: local.register(ceremony.registration as { challenge: string }) });
    await expect(plane.handlers['approvals.begin']({ requestId: r.id, spec: r.spec })).rejects.toMatchObject({ code: 'ERR_FORBIDDEN' });
  });
});
