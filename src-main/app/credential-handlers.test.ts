import { afterEach, describe, expect, it } from 'vitest';
import { openTestPlane, type TestPlane } from '../test-support/control-plane.js';

let t: TestPlane;
afterEach(async () => {
  await t?.close();
});

describe('credentials.rotate (the console inventory)', () => {
  it('replaces a live credential by one with the same audience and scope, the old one ROTATED and refused, audited', async () => {
    t = await openTestPlane();
    await t.activeAgent('builder', { scopes: ['files:read', 'files:write'] });
    const h = t.plane.handlers;
    const first = await h['credentials.issue']({ agentId: 'builder', scope: ['files:read'] });
    const rotated = await h['credentials.rotate']({ jti: first.credential.jti });
    expect(rotated.credential).toMatchObject({ agentId: 'builder', audience: first.credential.audience, scope: 'files:read', state: 'ACTIVE' });
    expect(rotated.credential.jti).not.toBe(first.credential.jti);
    await expect(h['credentials.verify']({ token: rotated.token })).resolves.toMatchObject({ jti: rotated.credential.jti });
    await expect(h['credentials.verify']({ token: first.token })).rejects.toMatchObject({ code: 'ERR_CREDENTIAL_ROTATED' });
    const [newest] = await h['audit.list']({ limit: 1 });
    expect(newest).toMatchObject({ kind: 'credential.rotate', actor: 'operator', decision: 'allow', details: { rotated: first.credential.jti } });
  });

  it('a rotated credential cannot be rotated again (no second successor from one credential)', async () => {
    t = await openTestPlane();
    await t.activeAgent('builder');
    const h = t.plane.handlers;
    const first = await h['credentials.issue']({ agentId: 'builder' });
    await h['credentials.rotate']({ jti: first.credential.jti });
    await expect(h['credentials.rotate']({ jti: first.credential.jti })).rejects.toMatchObject({ code: 'ERR_CREDENTIAL_ROTATED' });
    expect((await h['credentials.list']({ agentId: 'builder', liveOnly: true })).length).toBe(1);
  });

  it('refuses an unknown credential, and one of a revoked agent (no credential without an ACTIVE identity)', async () => {
    t = await openTestPlane();
    await t.activeAgent('builder');
    const h = t.plane.handlers;
    await expect(h['credentials.rotate']({ jti: 'no-such-jti' })).rejects.toMatchObject({ code: 'ERR_CREDENTIAL_NOT_FOUND' });
    const first = await h['credentials.issue']({ agentId: 'builder' });
    await h['identities.revoke']({ id: 'builder' });
    await expect(h['credentials.rotate']({ jti: first.credential.jti })).rejects.toMatchObject({ code: 'ERR_IDENTITY_NOT_ACTIVE' });
  });
});
