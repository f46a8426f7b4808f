import { describe, expect, it } from 'vitest';
import { queryKeys } from '../api/query-keys.js';
import { keysTouchedBy } from './invalidation.js';

describe('keysTouchedBy', () => {
  it('refreshes the inventory and counts on lifecycle records, the inbox on grant requests', () => {
    expect(keysTouchedBy('identity.transition')).toEqual(expect.arrayContaining([queryKeys.identities, queryKeys.status]));
    expect(keysTouchedBy('grant.request')).toContain(queryKeys.approvals);
    expect(keysTouchedBy('server.set')).toEqual([queryKeys.servers]);
  });

  it('keeps gateway decisions, the bulk of the traffic, away from the inventory', () => {
    expect(keysTouchedBy('gateway.decision')).toEqual([queryKeys.gateway]);
  });

  it('touches nothing for an unknown kind, even one named like an object property', () => {
    expect(keysTouchedBy('mystery.kind')).toEqual([]);
    expect(keysTouchedBy('constructor')).toEqual([]);
    expect(keysTouchedBy('__proto__.x')).toEqual([]);
  });
});
