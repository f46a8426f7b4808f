import { describe, expect, it } from 'vitest';
import type { CredentialDto, IdentityDto } from '../../../src-shared/dto.js';
import { DEFAULT_QUERY, liveCredentialsByAgent, queryInventory } from './inventory.js';

const identity = (id: string, over: Partial<IdentityDto> = {}): IdentityDto => ({
  id,
  spiffeId: `spiffe://charon.local/agent/${id}`,
  displayName: '',
  owner: 'alice',
  environment: 'dev',
  selectors: [],
  scopes: [],
  state: 'ACTIVE',
  createdAt: 0,
  updatedAt: 0,
  lastAttestedAt: null,
  attestationExpiresAt: null,
  lastSeenAt: null,
  ...over,
});
const credential = (jti: string, agentId: string, expiresAt: number, state: CredentialDto['state'] = 'ACTIVE'): CredentialDto => ({ jti, agentId, spiffeId: '', audience: 'a', scope: '', environment: 'dev', kid: 'k', issuedAt: 0, expiresAt, state, dpopJkt: null, rotatedTo: null });

const all = [identity('b-builder', { owner: 'bob', lastSeenAt: 5 }), identity('a-scout', { state: 'IDLE', environment: 'prod', lastSeenAt: 9 }), identity('c-crawler', { state: 'REVOKED', displayName: 'Night Crawler' })];

describe('queryInventory', () => {
  it('searches id, display name, SPIFFE id and owner, in any case', () => {
    expect(queryInventory(all, () => 0, { ...DEFAULT_QUERY, search: 'night' }).map((i) => i.id)).toEqual(['c-crawler']);
    expect(queryInventory(all, () => 0, { ...DEFAULT_QUERY, search: 'BOB' }).map((i) => i.id)).toEqual(['b-builder']);
  });

  it('filters on state and environment', () => {
    expect(queryInventory(all, () => 0, { ...DEFAULT_QUERY, state: 'IDLE' }).map((i) => i.id)).toEqual(['a-scout']);
    expect(queryInventory(all, () => 0, { ...DEFAULT_QUERY, environment: 'dev' }).map((i) => i.id)).toEqual(['b-builder', 'c-crawler']);
  });

  it('sorts by lifecycle order, last seen (never seen last) and credential count, either way', () => {
    expect(queryInventory(all, () => 0, { ...DEFAULT_QUERY, sort: 'state' }).map((i) => i.id)).toEqual(['b-builder', 'a-scout', 'c-crawler']);
    expect(queryInventory(all, () => 0, { ...DEFAULT_QUERY, sort: 'lastSeenAt', descending: true }).map((i) => i.id)).toEqual(['a-scout', 'b-builder', 'c-crawler']);
    expect(queryInventory(all, (id) => (id === 'c-crawler' ? 2 : 0), { ...DEFAULT_QUERY, sort: 'credentials', descending: true })[0]?.id).toBe('c-crawler');
  });
});

describe('liveCredentialsByAgent', () => {
  it('keeps only active, unexpired credentials, soonest expiry first', () => {
    const map = liveCredentialsByAgent([credential('j1', 'x', 50), credential('j2', 'x', 20), credential('j3', 'x', 5), credential('j4', 'x', 90, 'REVOKED')], 10);
    expect(map.get('x')?.map((c) => c.jti)).toEqual(['j2', 'j1']);
  });
});
