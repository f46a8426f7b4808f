// Passkey ceremonies live in the store: two control planes on one store (as a team server's
// replicas are) share them. Begun on one, answered on the other; answered twice, refused once.
import { afterEach, describe, expect, it } from 'vitest';
import { grantSpecSchema } from '../../src-shared/grant.js';
import { openTestPlane, type TestPlane } from '../test-support/control-plane.js';
import { SoftAuthenticator } from '../test-support/soft-authenticator.js';

const planes: TestPlane[] = [];
afterEach(async () => {
  for (const t of planes.splice(0).reverse()) await t.close();
});

const rp = { id: 'console.charon.test', origins: ['https://console.charon.test:7444'] };

async function twoReplicas(): Promise<[TestPlane['plane'], TestPlane['plane']]> {
  const one = await openTestPlane();
  planes.push(one);
  const other = await openTestPlane({}, one.dataDir);
  planes.push(other);
  return [one.plane, other.plane];
}

describe('passkey ceremonies shared by replicas', () => {
  it('a sign-in begun on one replica completes on the other; answering it again on the first: ERR_CHALLENGE_INVALID', async () => {
    const [one, other] = await twoReplicas();
    const auth = new SoftAuthenticator(rp.origins[0] as string, rp.id);
    const { code } = one.approvals.operators.invite('alice', 'owner', 'operator');
    const enrol = await one.approvals.operators.enrolBegin(code, rp);
    await other.approvals.operators.enrolComplete(code, enrol.ceremonyId, auth.register(enrol.options as { challenge: string }), undefined, rp);

    const signIn = await one.approvals.operators.signInBegin(rp);
    const assertion = auth.assert(signIn.options as { challenge: string });
    const { token } = await other.approvals.operators.signInComplete(signIn.ceremonyId, assertion, rp);
    expect(one.approvals.operators.session(token)?.operator.id).toBe('alice');
    await expect(one.approvals.operators.signInComplete(signIn.ceremonyId, assertion, rp)).rejects.toMatchObject({ code: 'ERR_CHALLENGE_INVALID' });
  });

  it('an approval begun on one replica completes on the other, once', async () => {
    const [one, other] = await twoReplicas();
    const origin = 'http://localhost:7471';
    one.endpoints.bridgeUrl = origin;
    other.endpoints.bridgeUrl = origin;
    const auth = new SoftAuthenticator(origin);
    const ceremony = await one.handlers['passkeys.registerBegin']({});
    await other.handlers['passkeys.registerComplete']({ ceremonyId: ceremony.ceremonyId, registration: auth.register(ceremony.registration as { challenge: string }) });
    await one.handlers['identities.register']({ id: 'builder', owner: 'alice', environment: 'dev', selectors: [], scopes: [] });
    const spec = grantSpecSchema.parse({ agentId: 'builder', environment: 'dev', servers: { memory: { tools: { read_graph: {} } } } });
    const request = one.approvals.requests.request('builder', 'spiffe://charon.local/agent/builder', spec, 'read');
    const challenge = await one.handlers['approvals.begin']({ requestId: request.id, spec });
    const response = auth.assert(challenge.options as { challenge: string });
    const { grant } = await other.handlers['approvals.complete']({ requestId: request.id, response });
    expect(grant?.state).toBe('ACTIVE');
    await expect(one.handlers['approvals.complete']({ requestId: request.id, response })).rejects.toMatchObject({ code: 'ERR_CHALLENGE_INVALID' });
  });

  it('sign-in ceremonies flooded by an unauthenticated caller: ERR_RATE_LIMITED for sign-ins only, the owner’s own ceremonies still open', async () => {
    const t = await openTestPlane();
    planes.push(t);
    const { operators } = t.plane.approvals;
    for (let i = 0; i < 256; i++) await operators.signInBegin(rp);
    await expect(operators.signInBegin(rp)).rejects.toMatchObject({ code: 'ERR_RATE_LIMITED' });
    const ceremony = await t.plane.handlers['passkeys.registerBegin']({});
    expect(ceremony.ceremonyId).toMatch(/^cer_/);
  });
});
