import { afterEach, describe, expect, it } from 'vitest';
import { openTestPlane, type TestPlane } from '../test-support/control-plane.js';

let t: TestPlane;
afterEach(async () => t?.close());

describe('control plane', () => {
  it('registers, attests, issues and verifies a credential end to end', async () => {
    t = await openTestPlane();
    await t.activeAgent('builder');
    const issued = await t.plane.handlers['credentials.issue']({ agentId: 'builder' });
    const verified = await t.plane.handlers['credentials.verify']({ token: issued.token });
    expect(verified.spiffeId).toBe('spiffe://charon.local/agent/builder');
    expect(verified.scope).toBe('files:read');
    const chain = await t.plane.handlers['audit.verify']({});
    expect(chain.ok).toBe(true);
    expect(chain.records).toBeGreaterThanOrEqual(5);
  });
});

describe('a dead agent keeps no live grant', () => {
  const spec = (agentId: string) => ({ agentId, environment: 'dev' as const, servers: { memory: { tools: { read_graph: {} }, resources: [], prompts: [] } }, envelope: {}, expiresAt: null });

  it('killing an agent revokes its grants, each recorded with the reason; another agent keeps its own', async () => {
    t = await openTestPlane();
    await t.activeAgent('doomed');
    await t.activeAgent('bystander');
    const doomed = await t.plane.handlers['grants.create']({ spec: spec('doomed') });
    const kept = await t.plane.handlers['grants.create']({ spec: spec('bystander') });
    await t.plane.handlers['identities.kill']({ id: 'doomed', reason: 'leaked' });
    expect((await t.plane.handlers['grants.get']({ id: doomed.id })).state).toBe('REVOKED');
    expect((await t.plane.handlers['grants.get']({ id: kept.id })).state).toBe('ACTIVE');
    const revokes = (await t.plane.handlers['audit.list']({ kind: 'grant.revoke', subject: doomed.id, limit: 10 })).filter((r) => r.decision === 'allow');
    expect(revokes.map((r) => r.details['reason'])).toEqual(['agent doomed killed']);
  });

  it('revoking an agent revokes its grants; marking it idle does not', async () => {
    t = await openTestPlane();
    await t.activeAgent('sleepy');
    await t.activeAgent('gone');
    const sleepy = await t.plane.handlers['grants.create']({ spec: spec('sleepy') });
    const gone = await t.plane.handlers['grants.create']({ spec: spec('gone') });
    await t.plane.handlers['identities.transition']({ id: 'sleepy', to: 'IDLE' });
    await t.plane.handlers['identities.revoke']({ id: 'gone' });
    expect((await t.plane.handlers['grants.get']({ id: sleepy.id })).state).toBe('ACTIVE');
    expect((await t.plane.handlers['grants.get']({ id: gone.id })).state).toBe('REVOKED');
  });
});
