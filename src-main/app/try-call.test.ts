// "Try a call" through the real plane: the policy's answer and its reason in words, with the
// arguments normalized as for a real call, and nothing recorded.
import { mkdirSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestPlane, tempDir, type TestPlane } from '../test-support/control-plane.js';

let t: TestPlane;
let root: string;
beforeEach(async () => {
  t = await openTestPlane();
  root = join(realpathSync(tempDir()), 'docs');
  mkdirSync(root);
  await t.activeAgent('builder');
  await t.plane.handlers['grants.create']({ spec: { agentId: 'builder', environment: 'dev', servers: { files: { tools: { read_file: { args: { path: { path: { roots: [root] } } } } }, resources: [], prompts: [] }, pay: { tools: { charge: { args: { memo: { oneOf: ['rent'] } } } }, resources: [], prompts: [] } }, envelope: {}, expiresAt: null } });
});
afterEach(() => t.close());

describe('grants.tryCall', () => {
  it('says allowed, or which argument refused it and why; records nothing', async () => {
    const h = t.plane.handlers;
    const before = (await h['audit.list']({ limit: 1 }))[0]?.seq;
    expect(await h['grants.tryCall']({ agentId: 'builder', tool: 'files__read_file', arguments: { path: join(root, 'a.txt') } })).toMatchObject({ allow: true, code: null });
    expect(await h['grants.tryCall']({ agentId: 'builder', tool: 'files__read_file', arguments: { path: '/etc/passwd' } })).toMatchObject({ allow: false, code: 'ERR_PATH_OUTSIDE_ROOT', message: expect.stringContaining('argument "path" refused') });
    expect(await h['grants.tryCall']({ agentId: 'builder', tool: 'pay__charge', arguments: { memo: 'casino' } })).toMatchObject({ allow: false, message: expect.stringContaining('argument "memo" is "casino", not one of "rent"') });
    expect(await h['grants.tryCall']({ agentId: 'builder', tool: 'pay__refund', arguments: {} })).toMatchObject({ allow: false, message: expect.stringContaining('no grant allows tools/call of pay__refund') });
    expect((await h['audit.list']({ limit: 1 }))[0]?.seq).toBe(before);
  });
});
