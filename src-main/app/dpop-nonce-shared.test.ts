import { afterEach, expect, it } from 'vitest';
import { openTestPlane } from '../test-support/control-plane.js';
import { openSecondProcess } from '../test-support/second-process.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

it('replicas sharing the master key hand out and accept the same DPoP nonces; another master key does not', async () => {
  const t = await openTestPlane({ dpopNonce: true });
  cleanups.push(() => t.close());
  const replica = await openSecondProcess(t.dataDir, t.clock, { dpopNonce: true });
  cleanups.push(() => replica.close());
  const stranger = await openTestPlane({ dpopNonce: true });
  cleanups.push(() => stranger.close());
  const nonce = t.plane.gateway.nonces.current();
  expect(replica.gateway.nonces.current()).toBe(nonce);
  expect(replica.gateway.nonces.accepts(nonce)).toBe(true);
  expect(stranger.plane.gateway.nonces.accepts(nonce)).toBe(false);
});
