// Token and DPoP attacks beyond the per-feature suites (jwt-svid-verify.test.ts, dpop.test.ts):
// mismatched curves and signature encodings, invalid-curve points, duplicate JSON members (parser
// differentials) and nested `act` bombs. Each case names the attack and the code that stops it.
import { generateKeyPairSync, randomBytes, randomUUID, sign as nodeSign, webcrypto } from 'node:crypto';
import { base64url, calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { toEpochSeconds } from '../core/clock.js';
import { MAX_ACT_NESTING } from './act-claim.js';
import { verifyDpopProof, type DpopExpectation } from './dpop.js';
import { MAX_TOKEN_BYTES, verifyJwtSvid, type SvidVerifyOptions } from './jwt-svid-verify.js';
import { generateSigningKey, loadSigningKey, type JoseKey, type LoadedSigningKey } from './signing-key.js';

const NOW = Date.UTC(2026, 10, 23, 9, 0, 0);
const ISSUER = 'spiffe://charon.local/charon/authority';
const AUDIENCE = 'spiffe://charon.local/charon/gateway';
const SUB = 'spiffe://charon.local/agent/builder';
const URL_ = 'http://127.0.0.1:8417/mcp';

let key: LoadedSigningKey;
let kid: string;
let agentKey: JoseKey;
let agentJwk: JWK;
let agentJkt: string;
let thiefKey: JoseKey;
let thiefJwk: JWK;

beforeAll(async () => {
  const master = randomBytes(32);
  key = await loadSigningKey(master, await generateSigningKey(master, NOW));
  kid = key.record.kid;
  const agent = await generateKeyPair('ES256', { extractable: true });
  const thief = await generateKeyPair('ES256', { extractable: true });
  agentKey = agent.privateKey as JoseKey;
  agentJwk = await exportJWK(agent.publicKey);
  agentJkt = await calculateJwkThumbprint(agentJwk, 'sha256');
  thiefKey = thief.privateKey as JoseKey;
  thiefJwk = await exportJWK(thief.publicKey);
});

const svidOptions = (): SvidVerifyOptions => ({ issuer: ISSUER, audience: AUDIENCE, trustDomain: 'charon.local', now: NOW, keyFor: (k) => (k === kid ? key.publicKey : null) });

const claims = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  iss: ISSUER,
  sub: SUB,
  aud: AUDIENCE,
  jti: randomUUID(),
  scope: 'files:read',
  env: 'dev',
  iat: toEpochSeconds(NOW),
  exp: toEpochSeconds(NOW) + 600,
  ...extra,
});

const b64 = (text: string): string => Buffer.from(text).toString('base64url');

/** Signs exactly the header and payload texts given (duplicates and all), with the real issuer key unless told otherwise. */
async function signTexts(headerText: string, payloadText: string, signer: JoseKey = key.privateKey): Promise<string> {
  // JOSE libraries re-serialize the header object (dropping duplicates), so sign the bytes with WebCrypto: ES256 is raw r||s.
  const input = `${b64(headerText)}.${b64(payloadText)}`;
  const signature = Buffer.from(await webcrypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, signer, Buffer.from(input)));
  return `${input}.${signature.toString('base64url')}`;
}

const svidRejects = (token: string, code: string) => expect(verifyJwtSvid(token, svidOptions())).rejects.toMatchObject({ code });

describe('JWT-SVID: duplicate JSON members (one token, two readings)', () => {
  it('the control: a token signed over hand-written texts without duplicates verifies', async () => {
    const token = await signTexts(JSON.stringify({ alg: 'ES256', kid, typ: 'JWT' }), JSON.stringify(claims()));
    await expect(verifyJwtSvid(token, svidOptions())).resolves.toMatchObject({ spiffeId: SUB });
  });

  it('duplicate "alg" ("none" first, ES256 last), signed by the real key: ERR_JOSE_HEADER_INVALID', async () => {
    const header = `{"alg":"none","kid":${JSON.stringify(kid)},"typ":"JWT","alg":"ES256"}`;
    await svidRejects(await signTexts(header, JSON.stringify(claims())), 'ERR_JOSE_HEADER_INVALID');
  });

  it('duplicate "kid" (one spelled with an escape): ERR_JOSE_HEADER_INVALID', async () => {
    const header = `{"alg":"ES256","kid":"unknown","typ":"JWT","k\\u0069d":${JSON.stringify(kid)}}`;
    await svidRejects(await signTexts(header, JSON.stringify(claims())), 'ERR_JOSE_HEADER_INVALID');
  });

  it('duplicate "sub" or "scope" in the payload, even under the real signature: ERR_JWT_CLAIM_INVALID', async () => {
    const header = JSON.stringify({ alg: 'ES256', kid, typ: 'JWT' });
    const body = JSON.stringify(claims());
    const twoSubs = `${body.slice(0, -1)},"sub":"spiffe://charon.local/agent/other"}`;
    const twoScopes = `{"scope":"admin:*",${body.slice(1)}`;
    await svidRejects(await signTexts(header, twoSubs), 'ERR_JWT_CLAIM_INVALID');
    await svidRejects(await signTexts(header, twoScopes), 'ERR_JWT_CLAIM_INVALID');
  });
});

describe('JWT-SVID: wrong curve and signature encodings under ES256', () => {
  it('a P-384 signature under alg ES256 and the real kid: ERR_JWS_SIGNATURE_VERIFICATION_FAILED', async () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-384' });
    const input = `${b64(JSON.stringify({ alg: 'ES256', kid, typ: 'JWT' }))}.${b64(JSON.stringify(claims()))}`;
    const token = `${input}.${nodeSign('sha384', Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
    await svidRejects(token, 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED');
  });

  it('the real signature re-encoded as DER (the other ECDSA encoding): refused', async () => {
    const token = await signTexts(JSON.stringify({ alg: 'ES256', kid, typ: 'JWT' }), JSON.stringify(claims()));
    const [h, p, s] = token.split('.') as [string, string, string];
    const raw = Buffer.from(s, 'base64url');
    const int = (b: Buffer): Buffer => {
      let v = b;
      while (v.length > 1 && v[0] === 0 && (v[1] as number) < 0x80) v = v.subarray(1);
      return (v[0] as number) >= 0x80 ? Buffer.concat([Buffer.from([0]), v]) : v;
    };
    const r = int(raw.subarray(0, 32));
    const sv = int(raw.subarray(32));
    const der = Buffer.concat([Buffer.from([0x30, r.length + sv.length + 4, 0x02, r.length]), r, Buffer.from([0x02, sv.length]), sv]);
    await expect(verifyJwtSvid(`${h}.${p}.${der.toString('base64url')}`, svidOptions())).rejects.toMatchObject({ code: expect.stringMatching(/^ERR_(JWS_SIGNATURE_VERIFICATION_FAILED|JWT_MALFORMED)$/) });
  });
});

describe('JWT-SVID: nested "act" bombs', () => {
  const nested = (depth: number): Record<string, unknown> => {
    let act: Record<string, unknown> = { sub: 'spiffe://charon.local/agent/leaf' };
    for (let i = 0; i < depth; i++) act = { sub: `spiffe://charon.local/agent/a${i}`, act: act };
    return act;
  };
  const deepestThatFits = (): number => {
    let depth = 1;
    while (JSON.stringify(claims({ act: nested(depth * 2) })).length * 1.4 < MAX_TOKEN_BYTES) depth *= 2;
    return depth;
  };

  it('a forged bomb (signed by another key, real kid) is refused on the signature, whatever it nests', async () => {
    const token = await signTexts(JSON.stringify({ alg: 'ES256', kid, typ: 'JWT' }), JSON.stringify(claims({ act: nested(deepestThatFits()) })), thiefKey);
    await svidRejects(token, 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED');
  });

  it('a bomb too large to carry is refused before anything is parsed: ERR_JWT_MALFORMED', async () => {
    const token = await signTexts(JSON.stringify({ alg: 'ES256', kid, typ: 'JWT' }), JSON.stringify(claims({ act: nested(2000) })));
    expect(token.length).toBeGreaterThan(MAX_TOKEN_BYTES);
    await svidRejects(token, 'ERR_JWT_MALFORMED');
  });

  it('a deep bomb under the real signature (an issuer bug, a stolen key): ERR_JWT_CLAIM_INVALID once it nests past MAX_ACT_NESTING', async () => {
    const header = JSON.stringify({ alg: 'ES256', kid, typ: 'JWT' });
    for (const depth of [MAX_ACT_NESTING, deepestThatFits()]) {
      const token = await signTexts(header, JSON.stringify(claims({ act: nested(depth) })));
      expect(token.length).toBeLessThanOrEqual(MAX_TOKEN_BYTES);
      await expect(verifyJwtSvid(token, svidOptions())).rejects.toMatchObject({ code: 'ERR_JWT_CLAIM_INVALID', message: expect.stringMatching(/nests more than/) });
    }
  });

  it('a wide bomb (extra members, arrays, foreign trust domains at some level): ERR_JWT_CLAIM_INVALID', async () => {
    const header = JSON.stringify({ alg: 'ES256', kid, typ: 'JWT' });
    const wide = { sub: 'spiffe://charon.local/agent/a', act: { sub: 'spiffe://charon.local/agent/b', ...Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`x${i}`, { act: {} }])) } };
    const bombs = [wide, [nested(3), nested(3)], { sub: 'spiffe://charon.local/agent/a', act: { sub: 'spiffe://evil.example/agent/b' } }, { sub: 'spiffe://charon.local/agent/a', act: 'spiffe://charon.local/agent/b' }, { act: nested(2) }];
    for (const act of bombs) {
      await expect(verifyJwtSvid(await signTexts(header, JSON.stringify(claims({ act }))), svidOptions())).rejects.toMatchObject({ code: 'ERR_JWT_CLAIM_INVALID' });
    }
  });

  it('a bomb of unbalanced brackets hidden in the payload (not JSON) is ERR_JWT_MALFORMED, no stack overflow', async () => {
    const token = await signTexts(JSON.stringify({ alg: 'ES256', kid, typ: 'JWT' }), `{"act":${'['.repeat(5000)}`);
    await svidRejects(token, 'ERR_JWT_MALFORMED');
  });
});

describe('DPoP: curves, points and duplicate members', () => {
  const expectation = (overrides: Partial<DpopExpectation> = {}): DpopExpectation => ({ method: 'POST', url: URL_, jkt: agentJkt, now: NOW, ...overrides });
  const proofClaims = (extra: Record<string, unknown> = {}) => ({ jti: randomUUID(), htm: 'POST', htu: URL_, iat: toEpochSeconds(NOW), ...extra });

  it('the control: a hand-written proof without duplicates passes', async () => {
    const p = await signTexts(JSON.stringify({ typ: 'dpop+jwt', alg: 'ES256', jwk: agentJwk }), JSON.stringify(proofClaims()), agentKey);
    await expect(verifyDpopProof(p, expectation())).resolves.toMatchObject({ jkt: agentJkt });
  });

  it('two "jwk" members (the victim\'s key first, the thief\'s that signed last), in either order: ERR_DPOP_PROOF_INVALID', async () => {
    const body = JSON.stringify(proofClaims());
    const victimFirst = `{"typ":"dpop+jwt","alg":"ES256","jwk":${JSON.stringify(agentJwk)},"jwk":${JSON.stringify(thiefJwk)}}`;
    const thiefFirst = `{"typ":"dpop+jwt","alg":"ES256","jwk":${JSON.stringify(thiefJwk)},"jwk":${JSON.stringify(agentJwk)}}`;
    await expect(verifyDpopProof(await signTexts(victimFirst, body, thiefKey), expectation())).rejects.toMatchObject({ code: 'ERR_DPOP_PROOF_INVALID', message: expect.stringMatching(/twice/) });
    await expect(verifyDpopProof(await signTexts(thiefFirst, body, thiefKey), expectation())).rejects.toMatchObject({ code: 'ERR_DPOP_PROOF_INVALID', message: expect.stringMatching(/twice/) });
  });

  it('two "htm" or "htu" claims (one for this request, one for another): ERR_DPOP_PROOF_INVALID', async () => {
    const header = JSON.stringify({ typ: 'dpop+jwt', alg: 'ES256', jwk: agentJwk });
    const body = JSON.stringify(proofClaims());
    for (const dup of [`${body.slice(0, -1)},"htm":"GET"}`, `{"htu":"http://evil.example/mcp",${body.slice(1)}`]) {
      await expect(verifyDpopProof(await signTexts(header, dup, agentKey), expectation())).rejects.toMatchObject({ code: 'ERR_DPOP_PROOF_INVALID' });
    }
  });

  it('invalid-curve point: a P-256 "jwk" whose (x, y) is not on the curve: ERR_DPOP_PROOF_INVALID', async () => {
    const offCurve = { kty: 'EC', crv: 'P-256', x: agentJwk.x as string, y: base64url.encode(new Uint8Array(32).fill(1)) };
    const p = await signTexts(JSON.stringify({ typ: 'dpop+jwt', alg: 'ES256', jwk: offCurve }), JSON.stringify(proofClaims()), agentKey);
    await expect(verifyDpopProof(p, expectation({ jkt: undefined }))).rejects.toMatchObject({ code: 'ERR_DPOP_PROOF_INVALID' });
  });

  it('mismatched curve: a P-384 key labelled "crv": "P-256" under ES256: ERR_DPOP_PROOF_INVALID', async () => {
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' });
    const jwk = { ...(p384.publicKey.export({ format: 'jwk' }) as JWK), crv: 'P-256' };
    const input = `${b64(JSON.stringify({ typ: 'dpop+jwt', alg: 'ES256', jwk }))}.${b64(JSON.stringify(proofClaims()))}`;
    const p = `${input}.${nodeSign('sha256', Buffer.from(input), { key: p384.privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
    await expect(verifyDpopProof(p, expectation({ jkt: undefined }))).rejects.toMatchObject({ code: 'ERR_DPOP_PROOF_INVALID' });
  });

  it('a "jwk" carrying RSA private factors without "d" (p, q, dp...): ERR_DPOP_PROOF_INVALID', async () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const full = rsa.privateKey.export({ format: 'jwk' });
    for (const member of ['p', 'q', 'dp', 'dq', 'qi'] as const) {
      const jwk = { kty: 'RSA', n: full.n, e: full.e, [member]: full[member] };
      const p = await signTexts(JSON.stringify({ typ: 'dpop+jwt', alg: 'RS256', jwk }), JSON.stringify(proofClaims()), agentKey);
      await expect(verifyDpopProof(p, expectation({ jkt: undefined }))).rejects.toMatchObject({ code: 'ERR_DPOP_PROOF_INVALID', message: expect.stringMatching(/private/) });
    }
  });
});
