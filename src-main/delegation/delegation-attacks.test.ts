// Attacks on delegation (DESIGN.md §5, invariant 6: delegated authority never widens, at
// issuance and again at verification). Each case names the attack and the code that stops it.
// Real HTTP: exchanges at /v1/token with DPoP proofs, uses at the gateway's /mcp.
import { decodeJwt, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signJwtSvid } from '../crypto/jwt-svid-issue.js';
import { authorizeRoot, delegateTo, exchangeRefusal, holding, type DelegatedToken, type Held } from '../test-support/delegation.js';
import { openTestPlane } from '../test-support/control-plane.js';
import { INITIALIZE, MCP_HEADERS, openGatewayHarness, type GatewayHarness, type TestAgent } from '../test-support/gateway-harness.js';

let h: GatewayHarness;
const agents = new Map<string, TestAgent>();
let root: Held;
let b: Held;
const spiffe = (id: string): string => `spiffe://charon.local/agent/${id}`;
const agent = (id: string): TestAgent => agents.get(id) as TestAgent;

beforeAll(async () => {
  h = await openGatewayHarness({ servers: ['files', 'pay'] });
  for (const id of ['a', 'b', 'c', 'd', 'm1', 'm2', 'm3', 'x1', 'x2', 'l1', 'l2', 'l3', 'l4', 'l5', 'l6']) agents.set(id, await h.agent(id));
  for (const id of ['a', 'm1', 'x1', 'l1']) {
    await h.grant({
      agentId: id,
      environment: 'dev',
      servers: {
        files: { tools: { read_text_file: { args: { path: { path: { roots: [h.root] } } } } } },
        pay: { tools: { charge: { args: { amount: { amount: { max: '50.00' } } } } } },
      },
      envelope: { rate: { perMinute: 60, burst: 10 }, caps: [{ tool: 'pay__charge', arg: 'amount', max: '200.00', per: 'day' }] },
    });
  }
  root = await authorizeRoot(h, agent('a'));
  b = await delegateTo(h, root, agent('b'));
}, 120_000);

afterAll(async () => {
  await h?.close();
});

/** What the gateway answers this token, presented as its holder would. */
async function atGateway(token: DelegatedToken): Promise<{ status: number; code: string | undefined }> {
  const response = await token.fetch(`${h.url}/mcp`, { method: 'POST', headers: MCP_HEADERS, body: JSON.stringify(INITIALIZE) });
  const body = (await response.json().catch(() => null)) as { error?: { data?: { code?: string } }; code?: string } | null;
  return { status: response.status, code: body?.error?.data?.code ?? body?.code };
}

const files = (roots: string[]) => ({ files: { tools: { read_text_file: { args: { path: { path: { roots } } } } } } });
const pay = (max: string) => ({ pay: { tools: { charge: { args: { amount: { amount: { max } } } } } } });
const dailyCap = { caps: [{ tool: 'pay__charge', arg: 'amount', max: '200.00', per: 'day' as const }] };

describe('widening at issuance: refused with invalid_scope / invalid_grant', () => {
  it('widening scope: a scope token the parent does not hold → invalid_scope, ERR_DELEGATION_WIDENS', async () => {
    expect(await exchangeRefusal(b.token.delegate(await agent('c').token(), { scope: ['tools:call', 'admin'] }))).toEqual({ status: 400, error: 'invalid_scope', code: 'ERR_DELEGATION_WIDENS' });
  });

  it("widening a path root: a root outside the grant's → invalid_scope, ERR_DELEGATION_WIDENS", async () => {
    const refused = await exchangeRefusal(b.token.delegate(await agent('c').token(), { authority: { servers: files([h.outside]), envelope: { rate: { perMinute: 60, burst: 10 }, ...dailyCap } } }));
    expect(refused).toMatchObject({ error: 'invalid_scope', code: 'ERR_DELEGATION_WIDENS' });
  });

  it("widening a path root: a hop below a narrowing may not go back up to the grant's root", async () => {
    const narrow = await delegateTo(h, b, agent('c'), { authority: { servers: files([`${h.root}/sub`]), envelope: { rate: { perMinute: 60, burst: 10 }, ...dailyCap } } });
    const refused = await exchangeRefusal(narrow.token.delegate(await agent('d').token(), { authority: { servers: files([h.root]), envelope: { rate: { perMinute: 60, burst: 10 }, ...dailyCap } } }));
    expect(refused).toMatchObject({ error: 'invalid_scope', code: 'ERR_DELEGATION_WIDENS' });
  });

  it("raising a cap: an amount max above the parent's → invalid_scope, ERR_DELEGATION_WIDENS", async () => {
    const refused = await exchangeRefusal(b.token.delegate(await agent('c').token(), { authority: { servers: pay('100.00'), envelope: { rate: { perMinute: 60, burst: 10 }, ...dailyCap } } }));
    expect(refused).toMatchObject({ error: 'invalid_scope', code: 'ERR_DELEGATION_WIDENS' });
    expect(await exchangeRefusal(b.token.delegate(await agent('c').token(), { authority: { servers: pay('50.00'), envelope: { rate: { perMinute: 60, burst: 10 }, caps: [{ ...dailyCap.caps[0], max: '500.00' }] } } }))).toMatchObject({
      code: 'ERR_DELEGATION_WIDENS',
    });
  });

  it('loosening an envelope: a higher rate, or the daily cap dropped → invalid_scope, ERR_DELEGATION_WIDENS', async () => {
    const c = await agent('c').token();
    expect(await exchangeRefusal(b.token.delegate(c, { authority: { servers: pay('10.00'), envelope: { rate: { perMinute: 600, burst: 10 }, ...dailyCap } } }))).toMatchObject({ error: 'invalid_scope', code: 'ERR_DELEGATION_WIDENS' });
    expect(await exchangeRefusal(b.token.delegate(c, { authority: { servers: pay('10.00'), envelope: { rate: { perMinute: 60, burst: 10 } } } }))).toMatchObject({ error: 'invalid_scope', code: 'ERR_DELEGATION_WIDENS' });
  });

  it("lifetime past the parent's → invalid_grant, ERR_DELEGATION_LIFETIME_EXCEEDED", async () => {
    expect(await exchangeRefusal(b.token.delegate(await agent('c').token(), { expiresIn: 30 * 24 * 3600 }))).toEqual({ status: 400, error: 'invalid_grant', code: 'ERR_DELEGATION_LIFETIME_EXCEEDED' });
  });

  it('exceeding max depth (5 by default): the sixth hop → invalid_grant, ERR_DELEGATION_DEPTH_EXCEEDED', async () => {
    let held = await authorizeRoot(h, agent('l1'));
    for (const id of ['l2', 'l3', 'l4', 'l5']) held = await delegateTo(h, held, agent(id));
    expect((await atGateway(held.token)).status).toBe(200);
    expect(await exchangeRefusal(held.token.delegate(await agent('l6').token()))).toEqual({ status: 400, error: 'invalid_grant', code: 'ERR_DELEGATION_DEPTH_EXCEEDED' });
  });

  it('assurance raised mid-chain: asking for a passkey-level acr under an operator-level root → invalid_grant, ERR_DELEGATION_ASSURANCE_RAISED', async () => {
    expect(await exchangeRefusal(b.token.delegate(await agent('c').token(), { acr: 'urn:charon:acr:passkey-uv' }))).toEqual({ status: 400, error: 'invalid_grant', code: 'ERR_DELEGATION_ASSURANCE_RAISED' });
  });
});

describe('forged chains: refused at use', () => {
  it('a forged act chain (an actor dropped, re-signed with a key of its own under the real kid) → 401 ERR_JWS_SIGNATURE_VERIFICATION_FAILED', async () => {
    const { privateKey } = await generateKeyPair('ES256');
    const claims = decodeJwt(b.token.token);
    const header = JSON.parse(Buffer.from(b.token.token.split('.')[0] as string, 'base64url').toString('utf8')) as { kid: string };
    const forged = await new SignJWT({ ...claims, act: { sub: spiffe('b') } }).setProtectedHeader({ alg: 'ES256', kid: header.kid, typ: 'at+jwt' }).sign(privateKey);
    expect(await atGateway(holding(h, forged, agent('b')))).toEqual({ status: 401, code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' });
  });

  it('a re-signed act chain (validly signed, but not the chain issued for its jti) → 401 ERR_DELEGATION_CHAIN_INVALID', async () => {
    const resigned = await resignWithIssuerKey(b.token.token, { actors: [spiffe('b')] });
    expect(await atGateway(holding(h, resigned, agent('b')))).toEqual({ status: 401, code: 'ERR_DELEGATION_CHAIN_INVALID' });
  });

  it("an act claim added to an agent's own credential → 401 ERR_DELEGATION_CHAIN_INVALID", async () => {
    const resigned = await resignWithIssuerKey(await agent('b').token(), { actors: [spiffe('a'), spiffe('b')] });
    expect(await atGateway(holding(h, resigned, agent('b')))).toEqual({ status: 401, code: 'ERR_DELEGATION_CHAIN_INVALID' });
  });
});

/** The token's own claims, signed again with the issuer's real key, with other actors: what only a key thief could mint. */
async function resignWithIssuerKey(token: string, change: { actors: string[] }): Promise<string> {
  const claims = decodeJwt(token) as { jti: string; sub: string; iat: number; exp: number; scope: string; cnf: { jkt: string }; acr?: string; amr?: string[]; client_id?: string };
  // The key of the token's own kind: the authorization server's for a delegated token, the bundle's for an agent's credential.
  const ring = claims.client_id ? h.plane.accessKeyRing : h.plane.keyRing;
  await ring.refresh();
  return signJwtSvid(ring.activeKey(), {
    ...(claims.client_id ? { clientId: claims.client_id } : {}),
    issuer: h.plane.config.issuer,
    spiffeId: claims.sub,
    audience: h.plane.config.audience,
    jti: claims.jti,
    scope: claims.scope,
    env: 'dev',
    issuedAt: claims.iat * 1000,
    expiresAt: claims.exp * 1000,
    dpopJkt: claims.cnf.jkt,
    actors: change.actors,
    ...(claims.acr ? { acr: claims.acr, amr: claims.amr ?? [] } : {}),
  });
}

describe('actor and subject tokens', () => {
  it("an actor token of another agent: a delegated token, not the delegatee's own credential → invalid_request, ERR_DELEGATION_ACTOR_INVALID", async () => {
    expect(await exchangeRefusal(root.token.delegate(b.token.token))).toEqual({ status: 400, error: 'invalid_request', code: 'ERR_DELEGATION_ACTOR_INVALID' });
  });

  it('an actor token of another agent: an agent already in the chain (b hands back to a) → ERR_DELEGATION_ACTOR_INVALID', async () => {
    expect(await exchangeRefusal(b.token.delegate(await agent('a').token()))).toMatchObject({ error: 'invalid_request', code: 'ERR_DELEGATION_ACTOR_INVALID' });
  });

  it("an actor token of another agent: a token minted with d's credential is bound to d's key, so c cannot use it → 401 ERR_DPOP_PROOF_MISMATCH", async () => {
    const forD = await b.token.delegate(await agent('d').token());
    expect(await atGateway(holding(h, forD.access_token, agent('c')))).toEqual({ status: 401, code: 'ERR_DPOP_PROOF_MISMATCH' });
    expect((await atGateway(holding(h, forD.access_token, agent('d')))).status).toBe(200);
  });

  it('a subject token that is revoked → invalid_request, ERR_CREDENTIAL_REVOKED', async () => {
    const doomed = await delegateTo(h, root, agent('c'));
    await h.plane.handlers['credentials.revoke']({ jti: String(decodeJwt(doomed.token.token).jti) });
    expect(await exchangeRefusal(doomed.token.delegate(await agent('d').token()))).toEqual({ status: 400, error: 'invalid_request', code: 'ERR_CREDENTIAL_REVOKED' });
  });

  it('a subject token that is expired → invalid_request, ERR_JWT_EXPIRED', async () => {
    const brief = await delegateTo(h, root, agent('c'), { expiresIn: 30 });
    h.clock.advance(60_000);
    expect(await exchangeRefusal(brief.token.delegate(await agent('d').token()))).toEqual({ status: 400, error: 'invalid_request', code: 'ERR_JWT_EXPIRED' });
  });

  it('a subject token whose holder is not ACTIVE (IDLE) → invalid_request, ERR_IDENTITY_NOT_ACTIVE', async () => {
    const x1 = await authorizeRoot(h, agent('x1'));
    const x2 = await delegateTo(h, x1, agent('x2'));
    await h.plane.handlers['identities.transition']({ id: 'x2', to: 'IDLE' });
    expect(await exchangeRefusal(x2.token.delegate(await agent('d').token()))).toEqual({ status: 400, error: 'invalid_request', code: 'ERR_IDENTITY_NOT_ACTIVE' });
  });

  it('an inactive middle actor: m2 IDLE stops m3 exchanging further and m3 at the gateway → ERR_DELEGATION_ACTOR_INACTIVE', async () => {
    const m1 = await authorizeRoot(h, agent('m1'));
    const m2 = await delegateTo(h, m1, agent('m2'));
    const m3 = await delegateTo(h, m2, agent('m3'));
    expect((await atGateway(m3.token)).status).toBe(200);
    await h.plane.handlers['identities.transition']({ id: 'm2', to: 'IDLE' });
    expect(await exchangeRefusal(m3.token.delegate(await agent('d').token()))).toEqual({ status: 400, error: 'invalid_request', code: 'ERR_DELEGATION_ACTOR_INACTIVE' });
    expect(await atGateway(m3.token)).toEqual({ status: 401, code: 'ERR_DELEGATION_ACTOR_INACTIVE' });
  });

  it('a DPoP-bound parent exchanged without proof → invalid_request, ERR_DPOP_PROOF_MISSING; with a proof by another key → invalid_dpop_proof', async () => {
    const unproven = holding(h, b.token.token, { ...agent('b'), key: null });
    expect(await exchangeRefusal(unproven.delegate(await agent('c').token()))).toEqual({ status: 400, error: 'invalid_request', code: 'ERR_DPOP_PROOF_MISSING' });
    const stolen = holding(h, b.token.token, agent('c'));
    expect(await exchangeRefusal(stolen.delegate(await agent('d').token()))).toEqual({ status: 400, error: 'invalid_dpop_proof', code: 'ERR_DPOP_PROOF_MISMATCH' });
  });

  it('a delegated token replayed by a different agent: with its own key → 401 ERR_DPOP_PROOF_MISMATCH; as Bearer → ERR_DPOP_BOUND_TOKEN_AS_BEARER', async () => {
    expect(await atGateway(holding(h, b.token.token, agent('d')))).toEqual({ status: 401, code: 'ERR_DPOP_PROOF_MISMATCH' });
    expect(await atGateway(holding(h, b.token.token, { ...agent('d'), key: null }))).toEqual({ status: 401, code: 'ERR_DPOP_BOUND_TOKEN_AS_BEARER' });
  });

  it("a delegated token cannot be renewed, nor turned into the actor's own credential: it is no agent identity → 401 ERR_TOKEN_KIND", async () => {
    for (const [path, body] of [['/v1/credentials/rotate', undefined], ['/v1/credentials', '{}']] as const) {
      const response = await b.token.fetch(`${h.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      expect(response.status).toBe(401);
      expect(((await response.json()) as { code: string }).code).toBe('ERR_TOKEN_KIND');
    }
  });
});

describe('attenuation checked again at verification (a tampered store)', () => {
  it("a hop whose stored authority was widened past its parent's → 401 ERR_DELEGATION_WIDENS", async () => {
    const narrowed = await delegateTo(h, b, agent('c'), { authority: { servers: files([`${h.root}/sub`]), envelope: { rate: { perMinute: 60, burst: 10 }, ...dailyCap } } });
    const below = await delegateTo(h, narrowed, agent('d'), { authority: { servers: files([`${h.root}/sub/deeper`]), envelope: { rate: { perMinute: 60, burst: 10 }, ...dailyCap } } });
    h.plane.store.db.prepare('UPDATE delegations SET authority = ? WHERE id = ?').run(JSON.stringify({ servers: files([h.outside]), envelope: { rate: { perMinute: 60, burst: 10 }, ...dailyCap } }), below.delegationId);
    expect(await atGateway(below.token)).toEqual({ status: 401, code: 'ERR_DELEGATION_WIDENS' });
  });

  it("a parent hop whose stored scope was narrowed below its child's → 401 ERR_DELEGATION_WIDENS", async () => {
    const child = await delegateTo(h, b, agent('c'));
    expect(await whileStored(b.delegationId, { scope: ['', 'tools:call'] }, () => atGateway(child.token))).toEqual({ status: 401, code: 'ERR_DELEGATION_WIDENS' });
  });

  it("assurance raised mid-chain in the store: a parent below its child's acr → 401 ERR_DELEGATION_ASSURANCE_RAISED", async () => {
    const child = await delegateTo(h, b, agent('c'));
    expect(await whileStored(b.delegationId, { acr: ['urn:charon:acr:none', 'urn:charon:acr:operator'] }, () => atGateway(child.token))).toEqual({ status: 401, code: 'ERR_DELEGATION_ASSURANCE_RAISED' });
  });
});

/** Runs `fn` while a stored hop's column holds a tampered value, then puts the original back: `[tampered, original]`. */
async function whileStored<T>(hopId: string, column: { scope: [string, string] } | { acr: [string, string] }, fn: () => Promise<T>): Promise<T> {
  const [name, [tampered, original]] = Object.entries(column)[0] as [string, [string, string]];
  const set = h.plane.store.db.prepare(`UPDATE delegations SET ${name === 'scope' ? 'scope' : 'acr'} = ? WHERE id = ?`);
  set.run(tampered, hopId);
  try {
    return await fn();
  } finally {
    set.run(original, hopId);
  }
}

describe('a verifier minimum on assurance', () => {
  it('delegated tokens below delegation.minAcr are refused at use → ERR_DELEGATION_ASSURANCE_TOO_LOW', async () => {
    const t = await openTestPlane({ delegation: { minAcr: 'urn:charon:acr:passkey' } });
    try {
      await t.activeAgent('solo');
      const issued = await t.plane.handlers['delegation.authorize']({ ownerId: 'alice', agentId: 'solo' });
      await expect(t.plane.authority.verify(issued.token, undefined, 'any')).rejects.toMatchObject({ code: 'ERR_DELEGATION_ASSURANCE_TOO_LOW' });
    } finally {
      await t.close();
    }
  });
});
