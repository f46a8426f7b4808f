import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { toEpochSeconds } from '../core/clock.js';
import { openTestPlane, type TestPlane } from '../test-support/control-plane.js';
import { openRawDb } from '../test-support/raw-db.js';
import { hashJoinToken } from './join-tokens.js';
import { AUDIENCE, cluster as makeCluster, ISSUER, mint, NS, SA, type Cluster } from '../test-support/k8s-cluster.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

type ConfigFile = NonNullable<Parameters<typeof openTestPlane>[0]>;

async function plane(overrides: ConfigFile = {}): Promise<TestPlane> {
  const tp = await openTestPlane(overrides);
  cleanups.push(() => tp.close());
  return tp;
}

const SELECTORS = ['unix:uid:1000', 'docker:image:builder'];

async function registered(tp: TestPlane, id: string, selectors: string[] = SELECTORS) {
  return tp.plane.handlers['identities.register']({ id, owner: 'alice', environment: 'dev', selectors, scopes: ['files:read'] });
}

async function lastAudit(tp: TestPlane) {
  const [last] = await tp.plane.handlers['audit.list']({ limit: 1 });
  return last;
}

const usedAt = (tp: TestPlane, token: string): number | null => {
  const raw = openRawDb(tp.dataDir, { readonly: true });
  try {
    return (raw.prepare('SELECT used_at FROM join_tokens WHERE token_hash = ?').get(hashJoinToken(token)) as { used_at: number | null }).used_at;
  } finally {
    raw.close();
  }
};

describe('join-token attestation', () => {
  it('redeems a join token once: PROVISIONED → ACTIVE, attestation recorded with its TTL and audited', async () => {
    const tp = await plane();
    await registered(tp, 'builder');
    const created = await tp.plane.handlers['joinTokens.create']({ agentId: 'builder' });
    expect(created.token).toMatch(/^cjt_[A-Za-z0-9_-]{43}$/);
    expect(created.expiresAt).toBe(tp.clock.now() + tp.plane.config.joinTokenTtlSeconds * 1000);
    expect(created.selectors).toEqual([...SELECTORS].sort());

    tp.clock.advance(1000);
    const now = tp.clock.now();
    const result = tp.plane.attestation.attestWithJoinToken('builder', created.token, [...SELECTORS].reverse());
    const ttlMs = tp.plane.config.attestationTtlSeconds * 1000;
    expect(result).toMatchObject({ method: 'join_token', expiresAt: now + ttlMs, identity: { state: 'ACTIVE', lastAttestedAt: now, attestationExpiresAt: now + ttlMs } });
    expect(tp.plane.store.attestations.latest('builder')).toEqual({ agentId: 'builder', method: 'join_token', selectors: [...SELECTORS].sort(), attestedAt: now, expiresAt: now + ttlMs });
    expect(usedAt(tp, created.token)).toBe(now);

    const records = (await tp.plane.handlers['audit.list']({ limit: 3 })).reverse();
    expect(records.map((r) => [r.kind, r.decision])).toEqual([
      ['join_token.create', 'allow'],
      ['attestation', 'allow'],
      ['identity.transition', 'allow'],
    ]);
    // The secret itself never reaches the audit chain.
    expect(JSON.stringify(records)).not.toContain(created.token);
    // Fresh attestation + ACTIVE: a credential may now be issued.
    await expect(tp.plane.handlers['credentials.issue']({ agentId: 'builder' })).resolves.toMatchObject({ credential: { agentId: 'builder' } });
  });

  it('stores only a hash of the join token, so a stolen database cannot redeem it', async () => {
    const tp = await plane();
    await registered(tp, 'builder');
    const { token } = await tp.plane.handlers['joinTokens.create']({ agentId: 'builder' });
    const raw = openRawDb(tp.dataDir, { readonly: true });
    const rows = raw.prepare('SELECT * FROM join_tokens').all();
    raw.close();
    expect(JSON.stringify(rows)).not.toContain(token);
    expect(JSON.stringify(rows)).not.toContain(token.slice(4));
  });

  it('refuses replaying a used join token: ERR_JOIN_TOKEN_USED, audited as deny', async () => {
    const tp = await plane();
    await registered(tp, 'builder');
    const { token } = await tp.plane.handlers['joinTokens.create']({ agentId: 'builder' });
    tp.plane.attestation.attestWithJoinToken('builder', token);
    const attestedAt = tp.plane.store.attestations.latest('builder')?.attestedAt;
    tp.clock.advance(60_000);
    expect(() => tp.plane.attestation.attestWithJoinToken('builder', token)).toThrow(expect.objectContaining({ code: 'ERR_JOIN_TOKEN_USED' }));
    expect(tp.plane.store.attestations.latest('builder')?.attestedAt).toBe(attestedAt);
    expect(await lastAudit(tp)).toMatchObject({ kind: 'attestation', decision: 'deny', details: { method: 'join_token', code: 'ERR_JOIN_TOKEN_USED' } });
  });

  it('refuses a join token past its expiry: ERR_JOIN_TOKEN_EXPIRED (and the token stays unused)', async () => {
    const tp = await plane();
    await registered(tp, 'builder');
    const { token, expiresAt } = await tp.plane.handlers['joinTokens.create']({ agentId: 'builder', ttlSeconds: 600 });
    tp.clock.set(expiresAt - 1);
    const { token: other } = await tp.plane.handlers['joinTokens.create']({ agentId: 'builder', ttlSeconds: 600 });
    tp.clock.set(expiresAt);
    expect(() => tp.plane.attestation.attestWithJoinToken('builder', token)).toThrow(expect.objectContaining({ code: 'ERR_JOIN_TOKEN_EXPIRED' }));
    expect(usedAt(tp, token)).toBeNull();
    expect((await tp.plane.handlers['identities.get']({ id: 'builder' })).state).toBe('PROVISIONED');
    expect(await lastAudit(tp)).toMatchObject({ kind: 'attestation', decision: 'deny', details: { code: 'ERR_JOIN_TOKEN_EXPIRED' } });
    // A token created later is still within its own TTL.
    expect(tp.plane.attestation.attestWithJoinToken('builder', other).identity.state).toBe('ACTIVE');
  });

  it('refuses a workload presenting selectors other than the ones the token is bound to: ERR_SELECTOR_MISMATCH', async () => {
    const tp = await plane();
    await registered(tp, 'builder');
    const { token } = await tp.plane.handlers['joinTokens.create']({ agentId: 'builder' });
    expect(() => tp.plane.attestation.attestWithJoinToken('builder', token, ['unix:uid:0', 'docker:image:builder'])).toThrow(expect.objectContaining({ code: 'ERR_SELECTOR_MISMATCH' }));
    expect(() => tp.plane.attestation.attestWithJoinToken('builder', token, ['unix:uid:1000'])).toThrow(expect.objectContaining({ code: 'ERR_SELECTOR_MISMATCH' }));
    expect(() => tp.plane.attestation.attestWithJoinToken('builder', token, [...SELECTORS, 'extra:x'])).toThrow(expect.objectContaining({ code: 'ERR_SELECTOR_MISMATCH' }));
    expect((await tp.plane.handlers['identities.get']({ id: 'builder' })).state).toBe('PROVISIONED');
  });

  it("refuses a token minted with weaker selectors than the identity requires: ERR_SELECTOR_MISMATCH", async () => {
    const tp = await plane();
    await registered(tp, 'builder');
    const { token } = await tp.plane.handlers['joinTokens.create']({ agentId: 'builder', selectors: ['unix:uid:1000'] });
    expect(() => tp.plane.attestation.attestWithJoinToken('builder', token)).toThrow(expect.objectContaining({ code: 'ERR_SELECTOR_MISMATCH' }));
    expect(usedAt(tp, token)).toBeNull();
  });

  it("refuses redeeming another agent's join token (identity theft): ERR_JOIN_TOKEN_INVALID, same answer as an unknown token", async () => {
    const tp = await plane();
    await registered(tp, 'builder');
    await registered(tp, 'payer');
    const { token } = await tp.plane.handlers['joinTokens.create']({ agentId: 'builder' });
    expect(() => tp.plane.attestation.attestWithJoinToken('payer', token)).toThrow(expect.objectContaining({ code: 'ERR_JOIN_TOKEN_INVALID' }));
    expect(() => tp.plane.attestation.attestWithJoinToken('payer', `cjt_${'A'.repeat(43)}`)).toThrow(expect.objectContaining({ code: 'ERR_JOIN_TOKEN_INVALID' }));
    expect(() => tp.plane.attestation.attestWithJoinToken('payer', 'x'.repeat(10_000))).toThrow(expect.objectContaining({ code: 'ERR_JOIN_TOKEN_INVALID' }));
    // An unknown agent gets the same answer: no registry oracle.
    expect(() => tp.plane.attestation.attestWithJoinToken('ghost', token)).toThrow(expect.objectContaining({ code: 'ERR_JOIN_TOKEN_INVALID' }));
    expect((await tp.plane.handlers['identities.get']({ id: 'payer' })).state).toBe('PROVISIONED');
    expect(await lastAudit(tp)).toMatchObject({ kind: 'attestation', decision: 'deny', subject: 'spiffe://charon.local/agent/ghost', details: { code: 'ERR_JOIN_TOKEN_INVALID' } });
    // The victim's token is still good for the victim.
    expect(tp.plane.attestation.attestWithJoinToken('builder', token).identity.state).toBe('ACTIVE');
  });

  it('refuses attesting a revoked identity back to life: ERR_IDENTITY_NOT_ACTIVE, token not consumed', async () => {
    const tp = await plane();
    await registered(tp, 'builder');
    const { token } = await tp.plane.handlers['joinTokens.create']({ agentId: 'builder' });
    await tp.plane.handlers['identities.revoke']({ id: 'builder' });
    expect(() => tp.plane.attestation.attestWithJoinToken('builder', token)).toThrow(expect.objectContaining({ code: 'ERR_IDENTITY_NOT_ACTIVE' }));
    expect(usedAt(tp, token)).toBeNull();
    expect((await tp.plane.handlers['identities.get']({ id: 'builder' })).state).toBe('REVOKED');
  });

  it('a refused redemption leaves the token usable and is audited as deny', async () => {
    const tp = await plane();
    await registered(tp, 'builder');
    const { token } = await tp.plane.handlers['joinTokens.create']({ agentId: 'builder' });
    expect(() => tp.plane.attestation.attestWithJoinToken('builder', token, ['unix:uid:0'])).toThrow(expect.objectContaining({ code: 'ERR_SELECTOR_MISMATCH' }));
    expect(await lastAudit(tp)).toMatchObject({ kind: 'attestation', decision: 'deny', details: { method: 'join_token', code: 'ERR_SELECTOR_MISMATCH' } });
    expect(usedAt(tp, token)).toBeNull();
    expect(tp.plane.attestation.attestWithJoinToken('builder', token, SELECTORS).identity.state).toBe('ACTIVE');
  });

  it('a redemption that fails after consuming the token rolls the consumption back (one transaction)', async () => {
    const tp = await plane();
    await registered(tp, 'builder');
    const { token } = await tp.plane.handlers['joinTokens.create']({ agentId: 'builder' });
    const seqBefore = (await lastAudit(tp))?.seq;
    // The token is marked used first; then the attestation insert fails.
    const raw = openRawDb(tp.dataDir);
    raw.exec("CREATE TRIGGER sabotage BEFORE INSERT ON attestations BEGIN SELECT RAISE(ABORT, 'disk says no'); END;");
    expect(() => tp.plane.attestation.attestWithJoinToken('builder', token)).toThrow(/disk says no/);
    raw.exec('DROP TRIGGER sabotage');
    raw.close();
    expect(usedAt(tp, token)).toBeNull();
    expect((await lastAudit(tp))?.seq).toBe(seqBefore);
    expect((await tp.plane.handlers['identities.get']({ id: 'builder' })).state).toBe('PROVISIONED');
    expect(tp.plane.attestation.attestWithJoinToken('builder', token).identity.state).toBe('ACTIVE');
  });

  describe('double redemption by two control planes on the same data dir', () => {
    async function twoPlanes(): Promise<{ a: TestPlane; b: TestPlane['plane']; token: string }> {
      const a = await plane();
      // A second ControlPlane (its own SQLite connection) on the same data dir, as a second process would have.
      const { plane: b } = await openTestPlane({}, a.dataDir);
      cleanups.push(() => b.close());
      await registered(a, 'builder');
      const { token } = await a.plane.handlers['joinTokens.create']({ agentId: 'builder' });
      return { a, b, token };
    }

    it('succeeds exactly once when both race to redeem the same token', async () => {
      const { a, b, token } = await twoPlanes();
      const outcomes = await Promise.allSettled([
        Promise.resolve().then(() => a.plane.attestation.attestWithJoinToken('builder', token)),
        Promise.resolve().then(() => b.attestation.attestWithJoinToken('builder', token)),
      ]);
      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
      const rejected = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
      expect(rejected.map((o) => (o.reason as { code: string }).code)).toEqual(['ERR_JOIN_TOKEN_USED']);
      const raw = openRawDb(a.dataDir, { readonly: true });
      expect(raw.prepare('SELECT count(*) AS n FROM attestations').get()).toEqual({ n: 1 });
      raw.close();
      expect((await a.plane.handlers['audit.verify']({})).ok).toBe(true);
    });

    it('a second plane cannot slip in between the check and the consumption: it waits for the lock, then sees the token used', async () => {
      const { a, b, token } = await twoPlanes();
      const repo = a.plane.store.joinTokens;
      const originalGet = repo.get.bind(repo);
      let interloper: { code?: string } | undefined;
      // While plane A holds the token record it has just read (inside its transaction),
      // plane B tries to redeem the very same token.
      Object.assign(repo, {
        get(hash: string) {
          const record = originalGet(hash);
          try {
            b.attestation.attestWithJoinToken('builder', token);
            interloper = {};
          } catch (error) {
            interloper = error as { code?: string };
          }
          return record;
        },
      });
      expect(a.plane.attestation.attestWithJoinToken('builder', token).identity.state).toBe('ACTIVE');
      Object.assign(repo, { get: originalGet });
      expect(interloper?.code).toBe('ERR_STORE_BUSY');
      expect(() => b.attestation.attestWithJoinToken('builder', token)).toThrow(expect.objectContaining({ code: 'ERR_JOIN_TOKEN_USED' }));
    }, 20_000);

    it('a stale read of an already-used token is still refused by the conditional consumption: ERR_JOIN_TOKEN_USED', async () => {
      const { a, b, token } = await twoPlanes();
      const stale = a.plane.store.joinTokens.get(hashJoinToken(token));
      b.attestation.attestWithJoinToken('builder', token);
      const repo = a.plane.store.joinTokens;
      const originalGet = repo.get.bind(repo);
      Object.assign(repo, { get: () => stale });
      try {
        expect(() => a.plane.attestation.attestWithJoinToken('builder', token)).toThrow(expect.objectContaining({ code: 'ERR_JOIN_TOKEN_USED' }));
      } finally {
        Object.assign(repo, { get: originalGet });
      }
    });
  });
});

// ---------------------------------------------------------------------------------------------
// Kubernetes projected service-account tokens

async function cluster(kid?: string): Promise<Cluster> {
  const c = await makeCluster(kid);
  cleanups.push(() => c.dispose());
  return c;
}

async function k8sPlane(c: Cluster, source: { jwksFile: string } | { jwksUrl: string } = { jwksFile: c.jwksFile }): Promise<TestPlane> {
  const tp = await plane({ kubernetes: { issuer: ISSUER, audience: AUDIENCE, ...source } });
  await registered(tp, 'builder', [`k8s:ns:${NS}`, `k8s:sa:${SA}`]);
  return tp;
}

async function serveJwks(c: Cluster): Promise<string> {
  const server: Server = createServer((req, res) => {
    if (req.url === '/openid/v1/jwks') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys: [c.jwk] }));
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/openid/v1/jwks`;
}

describe('Kubernetes projected service-account token attestation', () => {
  it.each(['jwksFile', 'jwksUrl'] as const)('attests a genuine projected token (JWKS from %s): selectors k8s:ns/sa/sa-uid/pod-name, identity ACTIVE', async (source) => {
    const c = await cluster();
    const tp = await k8sPlane(c, source === 'jwksFile' ? { jwksFile: c.jwksFile } : { jwksUrl: await serveJwks(c) });
    const token = await mint(c, { nowMs: tp.clock.now() });
    const result = await tp.plane.attestation.attestWithK8sToken('builder', token);
    expect(result.method).toBe('k8s_psat');
    expect(result.selectors).toEqual([
      `k8s:ns:${NS}`,
      `k8s:sa:${SA}`,
      'k8s:sa-uid:6f1c3a6e-6b1d-4a9e-9a51-3f0e9b1f2c11',
      'k8s:pod-name:builder-7d9f8b-x2x4q',
    ]);
    expect(result.identity.state).toBe('ACTIVE');
    expect(result.expiresAt).toBe(tp.clock.now() + tp.plane.config.attestationTtlSeconds * 1000);
    expect(tp.plane.store.attestations.latest('builder')).toMatchObject({ method: 'k8s_psat', selectors: result.selectors });
    const records = (await tp.plane.handlers['audit.list']({ limit: 2 })).reverse();
    expect(records.map((r) => [r.kind, r.decision, r.details.method ?? r.details.to])).toEqual([
      ['attestation', 'allow', 'k8s_psat'],
      ['identity.transition', 'allow', 'ACTIVE'],
    ]);
  });

  async function refused(tp: TestPlane, token: string, code: string): Promise<void> {
    await expect(tp.plane.attestation.attestWithK8sToken('builder', token)).rejects.toMatchObject({ code });
    expect((await tp.plane.handlers['identities.get']({ id: 'builder' })).state).toBe('PROVISIONED');
    expect(tp.plane.store.attestations.latest('builder')).toBeNull();
    expect(await lastAudit(tp)).toMatchObject({ kind: 'attestation', decision: 'deny', details: { method: 'k8s_psat', code } });
  }

  it("refuses a token forged with the attacker's own key under the cluster's kid: ERR_JWS_SIGNATURE_VERIFICATION_FAILED", async () => {
    const c = await cluster();
    const attacker = await cluster();
    const tp = await k8sPlane(c);
    await refused(tp, await mint(c, { nowMs: tp.clock.now(), key: attacker.privateKey }), 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED');
  });

  it("refuses a token forged with the attacker's own key under an unknown kid: ERR_JWKS_NO_MATCHING_KEY", async () => {
    const c = await cluster();
    const attacker = await cluster('attacker-key');
    const tp = await k8sPlane(c);
    await refused(tp, await mint(attacker, { nowMs: tp.clock.now() }), 'ERR_JWKS_NO_MATCHING_KEY');
  });

  it('refuses a forged token served through the remote JWKS too: ERR_JWS_SIGNATURE_VERIFICATION_FAILED', async () => {
    const c = await cluster();
    const attacker = await cluster();
    const tp = await k8sPlane(c, { jwksUrl: await serveJwks(c) });
    await refused(tp, await mint(c, { nowMs: tp.clock.now(), key: attacker.privateKey }), 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED');
  });

  it('refuses an HS256 token keyed with the public key (algorithm confusion): ERR_JOSE_ALG_NOT_ALLOWED', async () => {
    const c = await cluster();
    const tp = await k8sPlane(c);
    const token = await new SignJWT({ 'kubernetes.io': { namespace: NS, serviceaccount: { name: SA } } })
      .setProtectedHeader({ alg: 'HS256', kid: c.jwk.kid as string })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setSubject(`system:serviceaccount:${NS}:${SA}`)
      .setIssuedAt(toEpochSeconds(tp.clock.now()))
      .setExpirationTime(toEpochSeconds(tp.clock.now()) + 600)
      .sign(new TextEncoder().encode(JSON.stringify(c.jwk)));
    await refused(tp, token, 'ERR_JOSE_ALG_NOT_ALLOWED');
  });

  it("refuses an unsigned token (alg none): ERR_JOSE_ALG_NOT_ALLOWED", async () => {
    const c = await cluster();
    const tp = await k8sPlane(c);
    const genuine = await mint(c, { nowMs: tp.clock.now() });
    const [, payload] = genuine.split('.');
    const header = Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url');
    await refused(tp, `${header}.${payload}.`, 'ERR_JOSE_ALG_NOT_ALLOWED');
  });

  it.each([
    ['garbage', 'not-a-jwt'],
    ['oversized (parser exhaustion)', `${'a'.repeat(20_000)}.b.c`],
  ])('refuses a malformed token (%s): ERR_JWT_MALFORMED', async (_name, token) => {
    const c = await cluster();
    const tp = await k8sPlane(c);
    await refused(tp, token, 'ERR_JWT_MALFORMED');
  });

  it("refuses a token from another cluster's issuer: ERR_JWT_ISSUER_INVALID", async () => {
    const c = await cluster();
    const tp = await k8sPlane(c);
    await refused(tp, await mint(c, { nowMs: tp.clock.now(), iss: 'https://other-cluster.example' }), 'ERR_JWT_ISSUER_INVALID');
  });

  it('refuses a token minted for another audience (e.g. the API server): ERR_JWT_AUDIENCE_INVALID', async () => {
    const c = await cluster();
    const tp = await k8sPlane(c);
    await refused(tp, await mint(c, { nowMs: tp.clock.now(), aud: ['https://kubernetes.default.svc'] }), 'ERR_JWT_AUDIENCE_INVALID');
  });

  it('refuses replaying an expired token: ERR_JWT_EXPIRED', async () => {
    const c = await cluster();
    const tp = await k8sPlane(c);
    const token = await mint(c, { nowMs: tp.clock.now(), expiresInS: 600 });
    tp.clock.advance(601_000 + 5_000);
    await refused(tp, token, 'ERR_JWT_EXPIRED');
  });

  it.each([
    ['no aud, no exp', 'ERR_JWT_AUDIENCE_INVALID', false],
    ['aud but no exp', 'ERR_JWT_CLAIM_INVALID', true],
  ] as const)('refuses a legacy never-expiring secret-based token (%s): %s', async (_name, code, withAud) => {
    const c = await cluster();
    const tp = await k8sPlane(c);
    const legacy = new SignJWT({ 'kubernetes.io': { namespace: NS, serviceaccount: { name: SA } } })
      .setProtectedHeader({ alg: 'RS256', kid: c.jwk.kid as string })
      .setIssuer(ISSUER)
      .setSubject(`system:serviceaccount:${NS}:${SA}`);
    if (withAud) legacy.setAudience(AUDIENCE);
    await refused(tp, await legacy.sign(c.privateKey), code);
  });

  it('refuses a token not valid yet (nbf in the future): ERR_JWT_NOT_YET_VALID', async () => {
    const c = await cluster();
    const tp = await k8sPlane(c);
    await refused(tp, await mint(c, { nowMs: tp.clock.now(), nbfOffsetS: 600, iatOffsetS: 0 }), 'ERR_JWT_NOT_YET_VALID');
  });

  it.each([
    ['sub names another service account', { sub: `system:serviceaccount:${NS}:admin` }],
    ['sub names another namespace', { sub: `system:serviceaccount:kube-system:${SA}` }],
    ['sub is a user, not a service account', { sub: 'admin' }],
    ['kubernetes.io claims missing', { k8s: {} }],
    ['serviceaccount name not a string', { k8s: { namespace: NS, serviceaccount: { name: ['builder'] } } }],
  ])('refuses a signed token whose claims disagree (%s): ERR_K8S_TOKEN_INVALID', async (_name, claims) => {
    const c = await cluster();
    const tp = await k8sPlane(c);
    await refused(tp, await mint(c, { nowMs: tp.clock.now(), ...claims }), 'ERR_K8S_TOKEN_INVALID');
  });

  it("refuses a genuine token of a different service account than the identity's registered selectors: ERR_SELECTOR_MISMATCH", async () => {
    const c = await cluster();
    const tp = await k8sPlane(c);
    const token = await mint(c, { nowMs: tp.clock.now(), sub: `system:serviceaccount:${NS}:intruder`, k8s: { namespace: NS, serviceaccount: { name: 'intruder', uid: 'u' } } });
    await refused(tp, token, 'ERR_SELECTOR_MISMATCH');
    const otherNs = await mint(c, { nowMs: tp.clock.now(), sub: `system:serviceaccount:default:${SA}`, k8s: { namespace: 'default', serviceaccount: { name: SA, uid: 'u' } } });
    await refused(tp, otherNs, 'ERR_SELECTOR_MISMATCH');
  });

  it('refuses any pod in the cluster claiming an identity registered without selectors: ERR_SELECTOR_MISMATCH', async () => {
    const c = await cluster();
    const tp = await k8sPlane(c);
    await registered(tp, 'unbound', []);
    const token = await mint(c, { nowMs: tp.clock.now(), sub: 'system:serviceaccount:default:default', k8s: { namespace: 'default', serviceaccount: { name: 'default', uid: 'u' } } });
    await expect(tp.plane.attestation.attestWithK8sToken('unbound', token)).rejects.toMatchObject({ code: 'ERR_SELECTOR_MISMATCH' });
    expect((await tp.plane.handlers['identities.get']({ id: 'unbound' })).state).toBe('PROVISIONED');
    expect(await lastAudit(tp)).toMatchObject({ kind: 'attestation', decision: 'deny', details: { method: 'k8s_psat', code: 'ERR_SELECTOR_MISMATCH' } });
  });

  it('refuses Kubernetes attestation for an unknown agent with the same answer as a mismatch (no registry oracle)', async () => {
    const c = await cluster();
    const tp = await k8sPlane(c);
    await expect(tp.plane.attestation.attestWithK8sToken('ghost', await mint(c, { nowMs: tp.clock.now() }))).rejects.toMatchObject({ code: 'ERR_SELECTOR_MISMATCH' });
  });

  it('refuses Kubernetes attestation when no cluster is configured: ERR_K8S_NOT_CONFIGURED', async () => {
    const c = await cluster();
    const tp = await plane();
    await registered(tp, 'builder', [`k8s:ns:${NS}`, `k8s:sa:${SA}`]);
    await refused(tp, await mint(c, { nowMs: tp.clock.now() }), 'ERR_K8S_NOT_CONFIGURED');
  });
});
