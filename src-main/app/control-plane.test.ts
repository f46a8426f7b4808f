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
