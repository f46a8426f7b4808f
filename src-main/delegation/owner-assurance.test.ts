// The human's assurance at the root of a chain: an authorization backed by a fresh, user-verified
// passkey assertion carries acr passkey-uv (amr hwk, user); over the operator channel alone it is
// operator. Hops may keep or lower it, never raise it; a verifier may require a minimum.
import { decodeJwt } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import type { OperatorInput, OperatorMethod, OperatorOutput } from '../../src-shared/operator-api.js';
import { validateOperatorCall } from '../../src-shared/validate.js';
import { CharonError } from '../core/errors.js';
import { openTestPlane, type TestPlane } from '../test-support/control-plane.js';
import { SoftAuthenticator } from '../test-support/soft-authenticator.js';

const ORIGIN = 'http://localhost:7471';
const URL_ = 'http://127.0.0.1:7470/v1/token';
let t: TestPlane;
afterEach(() => t.close());

async function setup(config: Parameters<typeof openTestPlane>[0] = {}): Promise<void> {
  t = await openTestPlane(config);
  t.plane.endpoints.bridgeUrl = ORIGIN;
  for (const id of ['a', 'b']) await t.activeAgent(id);
}

/** Through the operator contract, validated as IPC and the bridge do. */
async function op<M extends OperatorMethod>(method: M, input: OperatorInput<M>): Promise<OperatorOutput<M>> {
  const checked = validateOperatorCall(method, input);
  if (!checked.ok) throw new CharonError(checked.error.code, checked.error.message);
  return (t.plane.handlers[method] as (i: unknown) => Promise<OperatorOutput<M>>)(checked.value.input);
}

async function enroll(auth: SoftAuthenticator): Promise<void> {
  const ceremony = await op('passkeys.registerBegin', { label: 'laptop' });
  await op('passkeys.registerComplete', { ceremonyId: ceremony.ceremonyId, registration: auth.register(ceremony.registration as { challenge: string }) });
}

async function withPasskey(auth: SoftAuthenticator, bend: { userVerified?: boolean } = {}) {
  const ceremony = await op('delegation.authorizeBegin', {});
  if (!ceremony) throw new Error('expected a step-up ceremony');
  return { ceremonyId: ceremony.ceremonyId, assertion: auth.assert(ceremony.authentication as { challenge: string }, bend) };
}

const rejection = (call: Promise<unknown>) => call.then(() => 'accepted', (error: unknown) => (error instanceof CharonError ? error.code : String(error)));

describe("the owner's assurance at the root", () => {
  it('without a passkey the root is operator-level; with a fresh user-verified assertion it is passkey-uv, carried in the token', async () => {
    await setup();
    expect(await op('delegation.authorizeBegin', {})).toBeNull();
    expect((await op('delegation.authorize', { ownerId: 'alice', agentId: 'a' })).delegation).toMatchObject({ acr: 'urn:charon:acr:operator', amr: ['operator'] });

    const auth = new SoftAuthenticator(ORIGIN);
    await enroll(auth);
    const step = await withPasskey(auth);
    const issued = await op('delegation.authorize', { ownerId: 'alice', agentId: 'a', ...step });
    expect(issued.delegation).toMatchObject({ acr: 'urn:charon:acr:passkey-uv', amr: ['hwk', 'user'] });
    expect(decodeJwt(issued.token)).toMatchObject({ acr: 'urn:charon:acr:passkey-uv', amr: ['hwk', 'user'], sub: 'spiffe://charon.local/owner/alice', act: { sub: 'spiffe://charon.local/agent/a' } });
    // The ceremony is single use.
    expect(await rejection(op('delegation.authorize', { ownerId: 'alice', agentId: 'a', ...step }))).toBe('ERR_CHALLENGE_INVALID');

    // A hop may lower the assurance it passes on.
    const actor = (await t.plane.authority.issue({ agentId: 'b' }, 'test')).token;
    const lowered = await t.plane.delegation.exchange({ subjectToken: issued.token, actorToken: actor, acr: 'urn:charon:acr:operator', method: 'POST', url: URL_ });
    expect(lowered.delegation.acr).toBe('urn:charon:acr:operator');
  });

  it('an assertion without user verification does not count: ERR_USER_VERIFICATION_REQUIRED, nothing issued', async () => {
    await setup();
    const auth = new SoftAuthenticator(ORIGIN);
    await enroll(auth);
    expect(await rejection(op('delegation.authorize', { ownerId: 'alice', agentId: 'a', ...(await withPasskey(auth, { userVerified: false })) }))).toBe('ERR_USER_VERIFICATION_REQUIRED');
    expect((await op('delegation.graph', {})).edges).toEqual([]);
  });

  it('a verifier minimum of passkey-uv accepts a passkey-backed chain and refuses an operator-level one (ERR_DELEGATION_ASSURANCE_TOO_LOW)', async () => {
    await setup({ delegation: { minAcr: 'urn:charon:acr:passkey-uv' } });
    const auth = new SoftAuthenticator(ORIGIN);
    await enroll(auth);
    const strong = await op('delegation.authorize', { ownerId: 'alice', agentId: 'a', ...(await withPasskey(auth)) });
    await expect(t.plane.authority.verify(strong.token, undefined, 'any')).resolves.toMatchObject({ acr: 'urn:charon:acr:passkey-uv' });
    const weak = await op('delegation.authorize', { ownerId: 'alice', agentId: 'a' });
    expect(await rejection(t.plane.authority.verify(weak.token, undefined, 'any'))).toBe('ERR_DELEGATION_ASSURANCE_TOO_LOW');
  });
});
