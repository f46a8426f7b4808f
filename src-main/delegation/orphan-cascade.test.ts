// The reaper's orphan rule through delegation: an agent whose owner departed is revoked and
// decommissioned, and so are the agents it delegated to, directly or further down.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestPlane, type TestPlane } from '../test-support/control-plane.js';

let t: TestPlane;
beforeEach(async () => {
  t = await openTestPlane();
});
afterEach(() => t.close());

const URL_ = 'http://127.0.0.1:7470/v1/token';

/** a (alice's) → b → c (bob's agents), exchanged in process with unbound dev tokens. */
async function chain(): Promise<string[]> {
  for (const id of ['a', 'b', 'c']) await t.activeAgent(id);
  await t.plane.handlers['identities.register']({ id: 'bystander', owner: 'bob', environment: 'dev', selectors: [], scopes: [] });
  const rootToken = (await t.plane.handlers['delegation.authorize']({ ownerId: 'alice', agentId: 'a' })).token;
  const actor = async (id: string): Promise<string> => (await t.plane.authority.issue({ agentId: id }, 'test')).token;
  const toB = await t.plane.delegation.exchange({ subjectToken: rootToken, actorToken: await actor('b'), method: 'POST', url: URL_ });
  const toC = await t.plane.delegation.exchange({ subjectToken: toB.token, actorToken: await actor('c'), method: 'POST', url: URL_ });
  return [toB.delegation.id, toC.delegation.id];
}

describe('orphan cascade through a delegation chain', () => {
  it("the orphan's preview names its delegated descendants; the run revokes and decommissions them and revokes their hops", async () => {
    const [toB, toC] = await chain();
    // b and c belong to alice too (openTestPlane registers every agent for alice); move them to bob so only the cascade takes them.
    t.plane.store.db.prepare("UPDATE identities SET owner = 'bob' WHERE id IN ('b', 'c')").run();
    await t.plane.handlers['owners.set']({ id: 'alice', state: 'DEPARTED' });
    const { actions } = await t.plane.handlers['reaper.preview']({});
    const orphanA = actions.find((x) => x.kind === 'orphan' && x.subject === 'spiffe://charon.local/agent/a');
    expect(orphanA?.effect).toMatchObject({ type: 'orphan', agentId: 'a', cascade: ['b', 'c'] });
    expect(actions.some((x) => x.kind === 'orphan' && x.subject.endsWith('/agent/b'))).toBe(false);

    await t.plane.handlers['reaper.run']({});
    for (const id of ['a', 'b', 'c']) expect((await t.plane.handlers['identities.get']({ id })).state).toBe('DECOMMISSIONED');
    expect((await t.plane.handlers['identities.get']({ id: 'bystander' })).state).toBe('PROVISIONED');
    for (const id of [toB, toC] as string[]) expect((await t.plane.handlers['delegation.get']({ id })).state).toBe('REVOKED');
    const [cascade] = await t.plane.handlers['audit.list']({ kind: 'delegation.cascade', limit: 5 });
    expect(cascade?.details).toMatchObject({ reason: expect.stringMatching(/^agent [abc] (REVOKED|DECOMMISSIONED)$/) });
  });

  it('without an orphan, nothing is cascaded: the lookup finds only live hops below the agent', async () => {
    const [toB] = await chain();
    expect(t.plane.delegation.descendantAgents('a')).toEqual(['b', 'c']);
    expect(t.plane.delegation.descendantAgents('b')).toEqual(['c']);
    expect(t.plane.delegation.descendantAgents('c')).toEqual([]);
    await t.plane.handlers['delegation.revoke']({ id: toB as string, reason: 'no longer needed' });
    expect(t.plane.delegation.descendantAgents('a')).toEqual([]);
  });
});
