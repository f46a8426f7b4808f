import { describe, expect, it } from 'vitest';
import type { VerifiedSvid } from './jwt-svid-verify.js';
import type { JoseKey } from './signing-key.js';
import { VerifiedTokenCache } from './verified-token-cache.js';

const T0 = Date.UTC(2026, 10, 23, 9);
const svid = (over: Partial<VerifiedSvid> = {}): VerifiedSvid => ({
  kid: 'k1',
  jti: 'j1',
  spiffeId: 'spiffe://charon.local/agent/a',
  audience: 'aud',
  scope: '',
  env: 'dev',
  issuedAt: T0,
  expiresAt: T0 + 600_000,
  dpopJkt: null,
  actors: [],
  acr: null,
  amr: [],
  payload: {},
  ...over,
});
const someKey = {} as JoseKey;
const keyPresent = (): JoseKey | null => someKey;
const keyGone = (): JoseKey | null => null;

describe('verified token cache', () => {
  it('serves a token verified before, for the same audience, while it is valid and its key is published', () => {
    const cache = new VerifiedTokenCache();
    cache.set('tok', 'aud', svid());
    expect(cache.get('tok', 'aud', T0 + 1000, keyPresent)).toMatchObject({ jti: 'j1' });
    expect(cache.get('tok', 'other-aud', T0 + 1000, keyPresent)).toBeNull();
    expect(cache.get('tok2', 'aud', T0 + 1000, keyPresent)).toBeNull();
  });

  it('an expired cached token is not served (full verification then refuses it)', () => {
    const cache = new VerifiedTokenCache();
    cache.set('tok', 'aud', svid());
    expect(cache.get('tok', 'aud', T0 + 600_000 + 5_000, keyPresent)).toBeNull();
    // and it is gone for good, even if the clock is set back
    expect(cache.get('tok', 'aud', T0 + 1000, keyPresent)).toBeNull();
  });

  it('a cached token whose signing key left the bundle (emergency rotation) is not served', () => {
    const cache = new VerifiedTokenCache();
    cache.set('tok', 'aud', svid());
    expect(cache.get('tok', 'aud', T0 + 1000, keyGone)).toBeNull();
  });

  it('a clock set back before iat (or nbf) does not serve the cached token', () => {
    const cache = new VerifiedTokenCache();
    cache.set('tok', 'aud', svid({ payload: { nbf: (T0 + 60_000) / 1000 } }));
    expect(cache.get('tok', 'aud', T0 + 30_000, keyPresent)).toBeNull();
    cache.set('tok', 'aud', svid());
    expect(cache.get('tok', 'aud', T0 - 10_000, keyPresent)).toBeNull();
  });

  it('stays bounded: the oldest entry goes first', () => {
    const cache = new VerifiedTokenCache(2);
    cache.set('a', 'aud', svid());
    cache.set('b', 'aud', svid());
    cache.set('c', 'aud', svid());
    expect(cache.get('a', 'aud', T0, keyPresent)).toBeNull();
    expect(cache.get('c', 'aud', T0, keyPresent)).not.toBeNull();
  });

  it('stays bounded through any mix of stale drops, re-verifications and new tokens', () => {
    const cache = new VerifiedTokenCache(3);
    for (let i = 0; i < 50; i++) {
      cache.set(`t${i}`, 'aud', svid());
      // Dropped as stale (its key left), then verified again: the same token stored anew.
      if (i % 4 === 0) expect(cache.get(`t${i}`, 'aud', T0, keyGone)).toBeNull();
      if (i % 8 === 0) cache.set(`t${i}`, 'aud', svid());
      expect(cache.size).toBeLessThanOrEqual(3);
    }
    expect(cache.get('t49', 'aud', T0, keyPresent)).not.toBeNull();
    expect(cache.get('t0', 'aud', T0, keyPresent)).toBeNull();
  });

  it('keeps nothing for an audience other than the one the token was verified for', () => {
    const cache = new VerifiedTokenCache();
    cache.set('tok', 'other-aud', svid());
    expect(cache.get('tok', 'other-aud', T0, keyPresent)).toBeNull();
    expect(cache.get('tok', 'aud', T0, keyPresent)).toBeNull();
  });
});
