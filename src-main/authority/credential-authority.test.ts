// Negative security tests for credentials, through a real control plane on a real SQLite file.
// Each `it` names the attack it stops and asserts the exact error code.
import { createHmac, createPublicKey, generateKeyPairSync, randomUUID } from 'node:crypto';
import { base64url, SignJWT, type JWTPayload } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { signJwtSvid } from '../crypto/jwt-svid-issue.js';
import { openTestPlane, type TestPlane } from '../test-support/control-plane.js';
import { openSecondProcess, type Plane } from '../test-support/second-process.js';

let t: TestPlane;
const extraPlanes: Plane[] = [];
afterEach(async () => {
  for (const p of extraPlanes.splice(0)) await p.close();
  await t?.close();
});

const AUDIENCE = 'spiffe://charon.local/charon/gateway';

async function setup(): Promise<TestPlane> {
  t = await openTestPlane();
  await t.activeAgent('builder', { scopes: ['files:read', 'files:write'] });
  return t;
}

const issue = (input: { agentId?: string; audience?: string; scope?: string[]; ttlSeconds?: number } = {}) =>
  t.plane.handlers['credentials.issue']({ agentId: 'builder', ...input });
const verify = (token: string, audience?: string) => t.plane.handlers['credentials.verify']({ token, audience });
const introspect = (token: string) => t.plane.handlers['credentials.introspect']({ token });

const b64json = (value: unknown) => base64url.encode(JSON.stringify(value));
const decode = (part: string | undefined) => JSON.parse(Buffer.from(part ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
const partsOf = (token: string) => {
  const [header, payload, signature] = token.split('.');
  return { header: decode(header), payload: decode(payload) as JWTPayload, signature: signature ?? '' };
};

/** An attacker's own P-256 key: valid-looking, but not ours. */
const foreignKey = () => generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;

/** Re-signs a real token's claims with the attacker's key and header of choice. */
const forge = (token: string, header: Record<string, unknown>, claims: JWTPayload = partsOf(token).payload) =>
  new SignJWT(claims).setProtectedHeader({ alg: 'ES256', ...header }).sign(foreignKey());

const currentKid = async () => (await t.plane.handlers['trustBundle.get']({})).keys[0]?.kid ?? '';

describe('the baseline', () => {
  it('accepts a freshly issued credential (so every refusal below is due to the attack alone)', async () => {
    await setup();
    const { token, credential } = await issue();
    expect(partsOf(token).header).toEqual({ alg: 'ES256', kid: credential.kid, typ: 'JWT' });
    await expect(verify(token)).resolves.toMatchObject({ jti: credential.jti, agentId: 'builder', audience: AUDIENCE });
  });
});

describe('forged tokens are refused', () => {
  it('refuses an alg "none" token carrying a real credential\'s claims', async () => {
    await setup();
    const { token } = await issue();
    const { header, payload } = partsOf(token);
    const unsigned = `${b64json({ ...header, alg: 'none' })}.${b64json(payload)}.`;
    await expect(verify(unsigned)).rejects.toMatchObject({ code: 'ERR_JOSE_ALG_NOT_ALLOWED' });
    expect(await introspect(unsigned)).toEqual({ active: false });
  });

  it('refuses algorithm confusion: HS256 keyed with the served bundle JWK or its PEM', async () => {
    await setup();
    const { token } = await issue();
    const { header, payload } = partsOf(token);
    const bundle = await t.plane.handlers['trustBundle.get']({});
    const jwk = bundle.keys.find((k) => k.kid === header.kid);
    if (!jwk) throw new Error('the signing key is not in the bundle');
    const publicKey = createPublicKey({ key: { ...jwk }, format: 'jwk' });
    const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const der = publicKey.export({ type: 'spki', format: 'der' });
    const input = `${b64json({ ...header, alg: 'HS256' })}.${b64json({ ...payload, scope: 'files:read files:write' })}`;
    for (const secret of [JSON.stringify(jwk), JSON.stringify(bundle), pem, der]) {
      const forged = `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
      await expect(verify(forged)).rejects.toMatchObject({ code: 'ERR_JOSE_ALG_NOT_ALLOWED' });
      expect(await introspect(forged)).toEqual({ active: false });
    }
  });

  it('refuses a token whose kid is not in the bundle', async () => {
    await setup();
    const { token } = await issue();
    await expect(verify(await forge(token, { kid: 'attacker-key', typ: 'JWT' }))).rejects.toMatchObject({ code: 'ERR_JWKS_NO_MATCHING_KEY' });
  });

  it('refuses a token with no kid', async () => {
    await setup();
    const { token } = await issue();
    await expect(verify(await forge(token, { typ: 'JWT' }))).rejects.toMatchObject({ code: 'ERR_JOSE_HEADER_INVALID' });
  });

  it.each([
    ['an embedded jwk (self-signed by the attacker\'s own key)', () => ({ jwk: createPublicKey(foreignKey()).export({ format: 'jwk' }) })],
    ['jku pointing at an attacker key set', () => ({ jku: 'http://127.0.0.1:1/jwks.json' })],
    ['x5u pointing at an attacker certificate', () => ({ x5u: 'http://127.0.0.1:1/cert.pem' })],
    ['crit', () => ({ crit: ['exp'] })],
    ['b64=false (unencoded payload)', () => ({ b64: false, crit: ['b64'] })],
  ])('refuses a token with %s in its JOSE header', async (_name, extra) => {
    await setup();
    const { token } = await issue();
    const { header, payload } = partsOf(token);
    // Built by hand: no library signs b64=false or crit into a JWT, and the header check must come first anyway.
    const forged = `${b64json({ ...header, ...extra() })}.${b64json(payload)}.${partsOf(token).signature}`;
    await expect(verify(forged)).rejects.toMatchObject({ code: 'ERR_JOSE_HEADER_INVALID' });
  });

  it.each(['dpop+jwt', 'JWS'])('refuses a token typed %s (another kind of token passed off as an SVID)', async (typ) => {
    await setup();
    const { token } = await issue();
    await expect(verify(await forge(token, { kid: await currentKid(), typ }))).rejects.toMatchObject({ code: 'ERR_JOSE_HEADER_INVALID' });
  });

  it('refuses an SVID retyped at+jwt: an access token is verified with the authorization server keys only, and no bundle key is one', async () => {
    await setup();
    const { token } = await issue();
    await expect(verify(await forge(token, { kid: await currentKid(), typ: 'at+jwt' }))).rejects.toMatchObject({ code: 'ERR_JWKS_NO_MATCHING_KEY' });
  });

  it('refuses a payload re-encoded with a widened scope under the original signature', async () => {
    await setup();
    const { token } = await issue({ scope: ['files:read'] });
    const [header, , signature] = token.split('.');
    const widened = `${header}.${b64json({ ...partsOf(token).payload, scope: 'files:read files:write' })}.${signature}`;
    await expect(verify(widened)).rejects.toMatchObject({ code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' });
    expect(await introspect(widened)).toEqual({ active: false });
  });

  it('refuses a token signed by a foreign P-256 key that reuses the real kid', async () => {
    await setup();
    const { token } = await issue();
    const forged = await forge(token, { kid: await currentKid(), typ: 'JWT' }, { ...partsOf(token).payload, scope: 'files:read files:write' });
    await expect(verify(forged)).rejects.toMatchObject({ code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' });
  });

  it('refuses forged tokens in a burst of first presentations (their signatures checked in the threadpool), and accepts the genuine ones beside them', async () => {
    await setup();
    const genuine = await Promise.all(Array.from({ length: 16 }, () => issue()));
    const kid = await currentKid();
    const forged = await Promise.all(genuine.map(({ token }) => forge(token, { kid, typ: 'JWT' })));
    const outcomes = await Promise.allSettled(genuine.flatMap(({ token }, i) => [verify(token), verify(forged[i] as string)]));
    outcomes.forEach((outcome, i) => {
      if (i % 2 === 0) expect(outcome).toMatchObject({ status: 'fulfilled', value: { jti: genuine[i / 2]?.credential.jti } });
      else expect(outcome).toMatchObject({ status: 'rejected', reason: { code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' } });
    });
  });

  it('refuses a correctly signed token that this authority never recorded (jti unknown, or sub swapped to another agent)', async () => {
    await setup();
    await t.activeAgent('other');
    const { credential } = await issue();
    const key = t.plane.keyRing.activeKey();
    const claims = { issuer: t.plane.config.issuer, audience: AUDIENCE, scope: 'files:read', env: 'dev', issuedAt: t.clock.now(), expiresAt: t.clock.now() + 60_000 };
    const unrecorded = signJwtSvid(key, { ...claims, spiffeId: 'spiffe://charon.local/agent/builder', jti: randomUUID() });
    await expect(verify(unrecorded)).rejects.toMatchObject({ code: 'ERR_CREDENTIAL_UNKNOWN' });
    const swapped = signJwtSvid(key, { ...claims, spiffeId: 'spiffe://charon.local/agent/other', jti: credential.jti });
    await expect(verify(swapped)).rejects.toMatchObject({ code: 'ERR_CREDENTIAL_UNKNOWN' });
  });
  it('refuses a token signed with our own key whose sub is outside the trust domain or not a SPIFFE ID (a mis-issued token)', async () => {
    await setup();
    const key = t.plane.keyRing.activeKey();
    const claims = { issuer: t.plane.config.issuer, audience: AUDIENCE, scope: 'files:read', env: 'dev', issuedAt: t.clock.now(), expiresAt: t.clock.now() + 60_000, jti: randomUUID() };
    for (const spiffeId of ['spiffe://evil.example/agent/builder', 'builder', 'https://charon.local/agent/builder', 'spiffe://charon.local/agent/../owner/alice']) {
      await expect(verify(signJwtSvid(key, { ...claims, spiffeId }))).rejects.toMatchObject({ code: 'ERR_JWT_CLAIM_INVALID' });
    }
  });
});

describe('tokens outside their time, audience or issuer are refused', () => {
  it('refuses a replayed token after it expired', async () => {
    await setup();
    const { token, credential } = await issue();
    t.clock.set(credential.expiresAt + 10_000);
    await expect(verify(token)).rejects.toMatchObject({ code: 'ERR_JWT_EXPIRED' });
    expect(await introspect(token)).toEqual({ active: false });
  });

  it('refuses a token presented before its iat (the verifier\'s clock is behind the minting)', async () => {
    await setup();
    const { token, credential } = await issue();
    t.clock.set(credential.issuedAt - 3_600_000);
    await expect(verify(token)).rejects.toMatchObject({ code: 'ERR_JWT_NOT_YET_VALID' });
  });

  it('refuses a token presented to another audience', async () => {
    await setup();
    const { token } = await issue();
    await expect(verify(token, 'spiffe://charon.local/other/service')).rejects.toMatchObject({ code: 'ERR_JWT_AUDIENCE_INVALID' });
    const forElsewhere = await issue({ audience: 'spiffe://charon.local/other/service' });
    await expect(verify(forElsewhere.token)).rejects.toMatchObject({ code: 'ERR_JWT_AUDIENCE_INVALID' });
  });

  it('refuses a token from another trust domain\'s authority, even one sharing this data dir and its signing keys', async () => {
    await setup();
    // Same database and master key, so the same signing key: only iss tells the authorities apart.
    const evil = await openSecondProcess(t.dataDir, t.clock, { trustDomain: 'evil.local' });
    extraPlanes.push(evil);
    const { token } = await evil.handlers['credentials.issue']({ agentId: 'builder' });
    expect(partsOf(token).header.kid).toBe(await currentKid());
    await expect(verify(token, 'spiffe://evil.local/charon/gateway')).rejects.toMatchObject({ code: 'ERR_JWT_ISSUER_INVALID' });
    await expect(verify(token)).rejects.toMatchObject({ code: expect.stringMatching(/^ERR_JWT_(ISSUER|AUDIENCE)_INVALID$/) });
  });
});

describe('revocation, rotation and lifecycle', () => {
  it('refuses a revoked credential, and only that one', async () => {
    await setup();
    const revoked = await issue();
    const kept = await issue();
    const record = await t.plane.handlers['credentials.revoke']({ jti: revoked.credential.jti, reason: 'leaked' });
    expect(record.state).toBe('REVOKED');
    await expect(verify(revoked.token)).rejects.toMatchObject({ code: 'ERR_CREDENTIAL_REVOKED' });
    expect(await introspect(revoked.token)).toEqual({ active: false });
    await expect(verify(kept.token)).resolves.toMatchObject({ jti: kept.credential.jti });
  });

  it('refuses a rotated credential (old token replayed), accepts its replacement, and will not rotate it twice', async () => {
    await setup();
    const { token } = await issue();
    const caller = await t.plane.agentApi.authenticate(token);
    const next = await t.plane.agentApi.rotate(caller);
    await expect(verify(token)).rejects.toMatchObject({ code: 'ERR_CREDENTIAL_ROTATED' });
    await expect(t.plane.agentApi.authenticate(token)).rejects.toMatchObject({ code: 'ERR_CREDENTIAL_ROTATED' });
    await expect(verify(next.svid)).resolves.toMatchObject({ jti: next.jti, scope: caller.scope });
    // A stale VerifiedCredential (checked before the rotation) cannot fork a second lineage.
    await expect(t.plane.agentApi.rotate(caller)).rejects.toMatchObject({ code: 'ERR_CREDENTIAL_ROTATED' });
  });

  it('revoking the identity revokes all its live credentials at once', async () => {
    await setup();
    const tokens = [await issue(), await issue(), await issue({ scope: ['files:read'] })];
    await t.plane.handlers['identities.transition']({ id: 'builder', to: 'REVOKED', reason: 'compromised' });
    const states = (await t.plane.handlers['credentials.list']({ agentId: 'builder' })).map((c) => c.state);
    expect(states).toEqual(['REVOKED', 'REVOKED', 'REVOKED']);
    for (const { token } of tokens) await expect(verify(token)).rejects.toMatchObject({ code: 'ERR_CREDENTIAL_REVOKED' });
    await expect(issue()).rejects.toMatchObject({ code: 'ERR_IDENTITY_NOT_ACTIVE' });
  });

  it('the kill switch revokes every live credential of the agent in one call and reports how many', async () => {
    await setup();
    await t.activeAgent('bystander');
    const live = [await issue(), await issue(), await issue()];
    const expired = await issue({ ttlSeconds: 1 });
    const rotatedAway = await issue();
    await t.plane.agentApi.rotate(await t.plane.agentApi.authenticate(rotatedAway.token));
    const bystander = await issue({ agentId: 'bystander' });
    t.clock.advance(2_000);

    const result = await t.plane.handlers['identities.kill']({ id: 'builder', reason: 'runaway agent' });
    // Every record still ACTIVE: three live, the lapsed one and the rotation's replacement (the rotated one is already dead).
    expect(result.identity.state).toBe('REVOKED');
    expect(result.revokedCredentials).toBe(5);
    for (const { token } of live) await expect(verify(token)).rejects.toMatchObject({ code: 'ERR_CREDENTIAL_REVOKED' });
    await expect(verify(rotatedAway.token)).rejects.toMatchObject({ code: 'ERR_CREDENTIAL_ROTATED' });
    expect((await t.plane.handlers['credentials.list']({ agentId: 'builder' })).filter((c) => c.state === 'ACTIVE')).toEqual([]);
    // Lapsed by 1 s, inside the clock tolerance: the revocation is what refuses it.
    await expect(verify(expired.token)).rejects.toMatchObject({ code: 'ERR_CREDENTIAL_REVOKED' });
    await expect(issue()).rejects.toMatchObject({ code: 'ERR_IDENTITY_NOT_ACTIVE' });
    await expect(verify(bystander.token)).resolves.toMatchObject({ agentId: 'bystander' });
  });

  it('a credential being signed when the kill switch fires is never committed', async () => {
    await setup();
    // The issuance passes its first check, then yields to sign; the kill lands before it commits.
    const pending = issue();
    await t.plane.handlers['identities.kill']({ id: 'builder', reason: 'race' });
    await expect(pending).rejects.toMatchObject({ code: 'ERR_IDENTITY_NOT_ACTIVE' });
    expect(await t.plane.handlers['credentials.list']({ agentId: 'builder' })).toEqual([]);
    // The refused issuance is in the chain too, as every refusal is.
    const refusals = (await t.plane.handlers['audit.list']({ limit: 20, kind: 'credential.issue' })).filter((e) => e.decision === 'deny');
    expect(refusals).toHaveLength(1);
    expect(refusals[0]?.details).toMatchObject({ code: 'ERR_IDENTITY_NOT_ACTIVE' });
  });

  it('a credential cannot be rotated again and again to outlive its attestation', async () => {
    t = await openTestPlane({ attestationTtlSeconds: 1800 });
    await t.activeAgent('builder');
    t.clock.advance(1000_000);
    const { token, credential } = await issue();
    // Issued with 800 s of attestation left: the credential ends with it, not with the 3600 s dev cap.
    expect(credential.expiresAt).toBeLessThanOrEqual(t.plane.store.identities.get('builder')?.attestationExpiresAt as number);
    const caller = await t.plane.agentApi.authenticate(token);
    t.clock.advance(799_000);
    await expect(t.plane.agentApi.rotate(caller)).resolves.toMatchObject({ expires_at: expect.any(Number) });
    t.clock.advance(2_000);
    await expect(t.plane.agentApi.issueForSelf(caller, {})).rejects.toMatchObject({ code: 'ERR_ATTESTATION_REQUIRED' });
  });

  it('refuses the credentials of an IDLE identity, and issues it none', async () => {
    await setup();
    const { token } = await issue();
    await t.plane.handlers['identities.transition']({ id: 'builder', to: 'IDLE' });
    await expect(verify(token)).rejects.toMatchObject({ code: 'ERR_IDENTITY_NOT_ACTIVE' });
    await expect(t.plane.agentApi.authenticate(token)).rejects.toMatchObject({ code: 'ERR_IDENTITY_NOT_ACTIVE' });
    await expect(issue()).rejects.toMatchObject({ code: 'ERR_IDENTITY_NOT_ACTIVE' });
  });
});

describe('issuance is refused without the preconditions', () => {
  it('refuses issuance once the attestation is stale, and records the refusal', async () => {
    await setup();
    t.clock.advance(t.plane.config.attestationTtlSeconds * 1000 + 1_000);
    await expect(issue()).rejects.toMatchObject({ code: 'ERR_ATTESTATION_REQUIRED' });
    const denied = await t.plane.handlers['audit.list']({ kind: 'credential.issue', limit: 50 });
    expect(denied.some((e) => e.decision === 'deny' && (e.details as { code?: string }).code === 'ERR_ATTESTATION_REQUIRED')).toBe(true);
    expect(await t.plane.handlers['credentials.list']({ agentId: 'builder' })).toEqual([]);
  });

  it('refuses issuance for a PROVISIONED (never attested) identity', async () => {
    t = await openTestPlane();
    await t.plane.handlers['identities.register']({ id: 'fresh', owner: 'alice', environment: 'dev', selectors: [], scopes: ['files:read'] });
    await expect(issue({ agentId: 'fresh' })).rejects.toMatchObject({ code: 'ERR_IDENTITY_NOT_ACTIVE' });
  });

  it('refuses issuance for an identity that does not exist', async () => {
    await setup();
    await expect(issue({ agentId: 'ghost' })).rejects.toMatchObject({ code: 'ERR_IDENTITY_NOT_FOUND' });
  });

  it('refuses a scope wider than the identity holds (operator and agent paths)', async () => {
    await setup();
    await expect(issue({ scope: ['files:read', 'admin'] })).rejects.toMatchObject({ code: 'ERR_SCOPE_NOT_ALLOWED' });
    const { token } = await issue({ scope: ['files:read'] });
    const caller = await t.plane.agentApi.authenticate(token);
    await expect(t.plane.agentApi.issueForSelf(caller, { scope: ['files:read', 'payments:send'] })).rejects.toMatchObject({ code: 'ERR_SCOPE_NOT_ALLOWED' });
    // A space inside one token cannot smuggle two scopes past the subset check.
    await expect(issue({ scope: ['files:read admin'] })).rejects.toMatchObject({ code: 'ERR_SCOPE_NOT_ALLOWED' });
  });

  it('clamps a requested TTL to the environment cap (prod shortest)', async () => {
    await setup();
    const caps = t.plane.config.ttlCapsSeconds;
    expect(caps.prod).toBeLessThan(caps.test);
    expect(caps.test).toBeLessThan(caps.dev);
    for (const environment of ['dev', 'test', 'prod'] as const) {
      await t.activeAgent(`agent-${environment}`, { environment });
      const { token, credential } = await issue({ agentId: `agent-${environment}`, ttlSeconds: 7 * 24 * 3600 });
      expect((credential.expiresAt - credential.issuedAt) / 1000).toBe(caps[environment]);
      const { payload } = partsOf(token);
      expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(caps[environment]);
      expect(payload.env).toBe(environment);
    }
    // A shorter request is honoured.
    const short = await issue({ agentId: 'agent-prod', ttlSeconds: 60 });
    expect(short.credential.expiresAt - short.credential.issuedAt).toBe(60_000);
  });
});

describe('signing key rotation', () => {
  it('an emergency rotation refuses every credential at once and drops the old key from the bundle', async () => {
    await setup();
    await t.activeAgent('other');
    const before = await t.plane.handlers['trustBundle.get']({});
    const oldKid = before.keys[0]?.kid;
    const tokens = [await issue(), await issue(), await issue({ agentId: 'other' })];
    // Verified once before the rotation (so a cached verification exists): still refused after it.
    for (const { token } of tokens) await verify(token);
    const result = await t.plane.handlers['keys.emergencyRotate']({ reason: 'key exposed' });
    expect(result.revokedCredentials).toBe(3);
    for (const { token } of tokens) await expect(verify(token)).rejects.toMatchObject({ code: 'ERR_JWKS_NO_MATCHING_KEY' });
    const after = await t.plane.handlers['trustBundle.get']({});
    expect(after.keys.map((k) => k.kid)).toEqual([result.key.kid]);
    expect(after.keys.map((k) => k.kid)).not.toContain(oldKid);
    expect(after.spiffe_sequence).toBeGreaterThan(before.spiffe_sequence);
    expect((await t.plane.handlers['credentials.list']({})).every((c) => c.state === 'REVOKED')).toBe(true);
    // The authority keeps working with the new key.
    const fresh = await issue();
    expect(fresh.credential.kid).toBe(result.key.kid);
    await expect(verify(fresh.token)).resolves.toMatchObject({ kid: result.key.kid });
  });

  it('a normal rotation keeps the old key in the bundle until its last token expires, then drops it', async () => {
    await setup();
    const s0 = (await t.plane.handlers['trustBundle.get']({})).spiffe_sequence;
    const first = await issue({ ttlSeconds: 600 });
    const last = await issue({ ttlSeconds: 1800 });
    const oldKid = first.credential.kid;
    const rotated = await t.plane.handlers['keys.rotate']({ reason: 'scheduled' });
    const during = await t.plane.handlers['trustBundle.get']({});
    expect(during.keys.map((k) => k.kid).sort()).toEqual([oldKid, rotated.kid].sort());
    expect(during.spiffe_sequence).toBeGreaterThan(s0);
    await expect(verify(first.token)).resolves.toMatchObject({ kid: oldKid });
    const next = await issue();
    expect(next.credential.kid).toBe(rotated.kid);

    // The first token expired but the last one has not: the old key stays.
    t.clock.set(first.credential.expiresAt + 60_000);
    expect((await t.plane.handlers['trustBundle.get']({})).keys.map((k) => k.kid)).toContain(oldKid);
    await expect(verify(last.token)).resolves.toMatchObject({ kid: oldKid });

    // Past the last token's expiry the old key leaves, and the sequence moves again.
    t.clock.set(last.credential.expiresAt + 1_000);
    const afterAll = await t.plane.handlers['trustBundle.get']({});
    expect(afterAll.keys.map((k) => k.kid)).toEqual([rotated.kid]);
    expect(afterAll.spiffe_sequence).toBeGreaterThan(during.spiffe_sequence);
    await expect(verify(last.token)).rejects.toMatchObject({ code: expect.stringMatching(/^ERR_(JWKS_NO_MATCHING_KEY|JWT_EXPIRED)$/) });
  });
});

describe('several processes on one data dir', () => {
  it('a revocation by a second process (the CLI) is refused by the first process at once', async () => {
    await setup();
    const { token, credential } = await issue();
    await expect(verify(token)).resolves.toMatchObject({ jti: credential.jti });
    const cli = await openSecondProcess(t.dataDir, t.clock);
    extraPlanes.push(cli);
    await cli.handlers['credentials.revoke']({ jti: credential.jti, reason: 'from the CLI' });
    await expect(verify(token)).rejects.toMatchObject({ code: 'ERR_CREDENTIAL_REVOKED' });
  });

  it('a kill switch and an emergency rotation by a second process take effect in the first at once', async () => {
    await setup();
    await t.activeAgent('other');
    const killed = await issue();
    const other = await issue({ agentId: 'other' });
    const cli = await openSecondProcess(t.dataDir, t.clock);
    extraPlanes.push(cli);

    expect((await cli.handlers['identities.kill']({ id: 'builder' })).revokedCredentials).toBe(1);
    await expect(verify(killed.token)).rejects.toMatchObject({ code: 'ERR_CREDENTIAL_REVOKED' });
    await expect(verify(other.token)).resolves.toMatchObject({ agentId: 'other' });

    const { key } = await cli.handlers['keys.emergencyRotate']({ reason: 'key exposed' });
    await expect(verify(other.token)).rejects.toMatchObject({ code: 'ERR_JWKS_NO_MATCHING_KEY' });
    expect((await t.plane.handlers['trustBundle.get']({})).keys.map((k) => k.kid)).toEqual([key.kid]);
    // The first process now signs with the key the second one made.
    const fresh = await issue({ agentId: 'other' });
    expect(fresh.credential.kid).toBe(key.kid);
    await expect(verify(fresh.token)).resolves.toMatchObject({ kid: key.kid });
  });

  it('after a rotation by a second process, the first one signs its next credential with the new key (nothing else in between)', async () => {
    await setup();
    const before = await issue();
    const cli = await openSecondProcess(t.dataDir, t.clock);
    extraPlanes.push(cli);
    const rotated = await cli.handlers['keys.rotate']({ reason: 'scheduled' });
    expect(rotated.kid).not.toBe(before.credential.kid);
    const next = await issue();
    expect(next.credential.kid).toBe(rotated.kid);
    expect(partsOf(next.token).header.kid).toBe(rotated.kid);
    await expect(cli.handlers['credentials.verify']({ token: next.token })).resolves.toMatchObject({ kid: rotated.kid });
  });

  it('after an emergency rotation by a second process, the first one stops offering the exposed key in its bundle at once', async () => {
    await setup();
    const exposed = await currentKid();
    const cli = await openSecondProcess(t.dataDir, t.clock);
    extraPlanes.push(cli);
    const { key } = await cli.handlers['keys.emergencyRotate']({ reason: 'key exposed' });
    // No verify in between: nothing else has made the first process reload its keys.
    const bundle = await t.plane.handlers['trustBundle.get']({});
    expect(bundle.keys.map((k) => k.kid)).toEqual([key.kid]);
    expect(bundle.keys.map((k) => k.kid)).not.toContain(exposed);
    expect(bundle).toEqual(await cli.handlers['trustBundle.get']({}));
  });
});

describe('credential lifetime and attestation', () => {
  it('a credential never outlives the attestation that vouched for its issuance', async () => {
    t = await openTestPlane({ attestationTtlSeconds: 600 });
    await t.activeAgent('short');
    t.clock.advance(500_000);
    const { credential } = await t.plane.handlers['credentials.issue']({ agentId: 'short' });
    expect(credential.expiresAt).toBeLessThanOrEqual(t.plane.store.identities.get('short')?.attestationExpiresAt as number);
  });
});
