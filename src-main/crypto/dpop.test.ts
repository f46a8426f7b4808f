// Attacks on DPoP proofs (RFC 9449 §4.3, §11): each test is one attack and the exact code that stops it.
import { generateKeyPairSync, randomUUID, sign as nodeSign } from 'node:crypto';
import { base64url, calculateJwkThumbprint, CompactSign, exportJWK, generateKeyPair, type JWK } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ErrorCode } from '../../src-shared/errors.js';
import { ManualClock, seconds, toEpochSeconds } from '../core/clock.js';
import type { DpopReplayStore } from '../core/ports.js';
import { checkAndRememberDpop, MAX_PROOF_CHARS, verifyDpopProof, type DpopExpectation } from './dpop.js';
import { createDpopProof } from './dpop-client.js';
import type { DpopAlg } from './dpop-jwk.js';
import { createDpopNonceSource, DEFAULT_NONCE_BUCKET_MS } from './dpop-nonce.js';
import type { JoseKey } from './signing-key.js';

const NOW = Date.UTC(2026, 10, 23, 9, 0, 0);
const URL_ = 'http://127.0.0.1:8417/mcp/files';
const TOKEN = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhZ2VudCJ9.c2lnbmF0dXJl';

interface KeyPair {
  readonly privateKey: JoseKey;
  readonly publicJwk: JWK;
  readonly privateJwk: JWK;
  readonly jkt: string;
}

async function keyPair(alg: DpopAlg): Promise<KeyPair> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const publicJwk = await exportJWK(publicKey);
  return { privateKey: privateKey as JoseKey, publicJwk, privateJwk: await exportJWK(privateKey), jkt: await calculateJwkThumbprint(publicJwk, 'sha256') };
}

let agent: KeyPair;
let thief: KeyPair;
beforeAll(async () => {
  [agent, thief] = await Promise.all([keyPair('ES256'), keyPair('ES256')]);
});

/** A proof the way an honest agent makes it for the default request. */
const proof = (overrides: Partial<Parameters<typeof createDpopProof>[0]> = {}, by: KeyPair = agent): Promise<string> =>
  createDpopProof({ privateKey: by.privateKey, publicJwk: by.publicJwk, method: 'POST', url: URL_, accessToken: TOKEN, now: NOW, ...overrides });

/** What the gateway expects for the default request with a token bound to the agent's key. */
const expectation = (overrides: Partial<DpopExpectation> = {}): DpopExpectation => ({ method: 'POST', url: URL_, accessToken: TOKEN, jkt: agent.jkt, now: NOW, ...overrides });

const claims = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  jti: randomUUID(),
  htm: 'POST',
  htu: URL_,
  iat: toEpochSeconds(NOW),
  ...extra,
});

/** Any header and payload the attacker likes, signed with `key`. */
async function forge(header: Record<string, unknown>, payload: Record<string, unknown>, key: JoseKey | Uint8Array = agent.privateKey): Promise<string> {
  return new CompactSign(new TextEncoder().encode(JSON.stringify(payload))).setProtectedHeader(header as { alg: string }).sign(key);
}

const b64json = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

async function rejects(promise: Promise<unknown>, code: ErrorCode, message?: RegExp): Promise<void> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error, `expected ${code}`).toMatchObject({ code });
  if (message) expect((error as Error).message).toMatch(message);
}

/** A Map-backed replay store with the same contract as the SQLite one (see store/dpop-replay-repository.test.ts). */
function memoryReplayStore(): DpopReplayStore {
  const seen = new Map<string, number>();
  return {
    remember(jkt, jti, expiresAt) {
      const key = `${jkt} ${jti}`;
      if (seen.has(key)) return false;
      seen.set(key, expiresAt);
      return true;
    },
    purgeExpired(now) {
      let n = 0;
      for (const [key, at] of seen) if (at < now && seen.delete(key)) n++;
      return n;
    },
  };
}

describe('DPoP proofs that must pass', () => {
  it('accepts a proof made by jose from a fresh ES256 key, bound to the token and its key', async () => {
    const jti = randomUUID();
    const verified = await verifyDpopProof(await proof({ jti }), expectation());
    expect(verified).toEqual({ jkt: agent.jkt, jti, iat: toEpochSeconds(NOW) });
  });

  it.each(['ES384', 'EdDSA', 'PS256', 'RS256'] as const)('accepts a proof signed with %s', async (alg) => {
    const key = await keyPair(alg);
    const verified = await verifyDpopProof(await proof({ alg }, key), expectation({ jkt: key.jkt }));
    expect(verified.jkt).toBe(key.jkt);
  });

  it('accepts a proof without ath when no token is presented (token endpoint style)', async () => {
    const p = await proof({ accessToken: undefined });
    await expect(verifyDpopProof(p, expectation({ accessToken: undefined, jkt: undefined }))).resolves.toMatchObject({ jkt: agent.jkt });
  });

  it('ignores the query and fragment of the request URL and of htu', async () => {
    const plain = await proof();
    await expect(verifyDpopProof(plain, expectation({ url: `${URL_}?session=1#top` }))).resolves.toBeTruthy();
    const withQuery = await forge({ typ: 'dpop+jwt', alg: 'ES256', jwk: agent.publicJwk }, { ...claims({ ath: undefined }), htu: `${URL_}?a=b#c` });
    await expect(verifyDpopProof(withQuery, expectation({ accessToken: undefined }))).resolves.toBeTruthy();
  });

  it('accepts other spellings of the same URI (case of scheme and host, default port, escapes, dot segments)', async () => {
    for (const [htu, url] of [
      ['HTTP://LOCALHOST:80/mcp/%7efiles', 'http://localhost/mcp/~files'],
      ['https://Example.COM:443/a/%2f', 'https://example.com/a/%2F'],
      ['http://127.0.0.1:8417/mcp/x/../files', URL_],
      ['http://127.0.0.1:8417', 'http://127.0.0.1:8417/'],
    ] as const) {
      const p = await forge({ typ: 'dpop+jwt', alg: 'ES256', jwk: agent.publicJwk }, claims({ htu }));
      await expect(verifyDpopProof(p, expectation({ url, accessToken: undefined })), htu).resolves.toBeTruthy();
    }
  });

  it('accepts a proof exactly maxAgeSeconds old and one within the future skew', async () => {
    await expect(verifyDpopProof(await proof(), expectation({ now: NOW + seconds(60) }))).resolves.toBeTruthy();
    await expect(verifyDpopProof(await proof({ now: NOW + seconds(5) }), expectation())).resolves.toBeTruthy();
  });
});

describe('DPoP replay (RFC 9449 §11.1)', () => {
  it('refuses a proof replayed with the same jti', async () => {
    const replay = memoryReplayStore();
    const p = await proof();
    await checkAndRememberDpop(p, expectation(), { replay });
    await rejects(checkAndRememberDpop(p, expectation(), { replay }), 'ERR_DPOP_PROOF_REPLAYED');
  });

  it('refuses a new proof that reuses a spent jti', async () => {
    const replay = memoryReplayStore();
    await checkAndRememberDpop(await proof({ jti: 'same' }), expectation(), { replay });
    await rejects(checkAndRememberDpop(await proof({ jti: 'same', now: NOW + 1000 }), expectation({ now: NOW + 1000 }), { replay }), 'ERR_DPOP_PROOF_REPLAYED');
  });

  it('lets exactly one of two requests racing with the same proof through', async () => {
    const replay = memoryReplayStore();
    const p = await proof();
    const results = await Promise.allSettled([checkAndRememberDpop(p, expectation(), { replay }), checkAndRememberDpop(p, expectation(), { replay })]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.find((r) => r.status === 'rejected')).toMatchObject({ reason: { code: 'ERR_DPOP_PROOF_REPLAYED' } });
  });

  it('does not let a thief burn the agent\'s jti with a proof of his own key', async () => {
    const replay = memoryReplayStore();
    const jti = randomUUID();
    // The thief's proof is refused (wrong key), and even an unbound use records only under his thumbprint.
    await rejects(checkAndRememberDpop(await proof({ jti }, thief), expectation(), { replay }), 'ERR_DPOP_PROOF_MISMATCH');
    await checkAndRememberDpop(await proof({ jti }, thief), expectation({ jkt: undefined }), { replay });
    await expect(checkAndRememberDpop(await proof({ jti }), expectation(), { replay })).resolves.toMatchObject({ jti });
  });

  it('records nothing for a proof that fails a check, so a forged proof cannot spend a jti', async () => {
    const replay = memoryReplayStore();
    const jti = randomUUID();
    await rejects(checkAndRememberDpop(await proof({ jti, method: 'GET' }), expectation(), { replay }), 'ERR_DPOP_PROOF_MISMATCH');
    await expect(checkAndRememberDpop(await proof({ jti }), expectation(), { replay })).resolves.toMatchObject({ jti });
  });

  it('remembers a proof until its acceptance window ends', async () => {
    const seen: number[] = [];
    const replay: DpopReplayStore = { remember: (_k, _j, at) => seen.push(at) > 0, purgeExpired: () => 0 };
    await checkAndRememberDpop(await proof(), expectation(), { replay });
    expect(seen).toEqual([NOW + seconds(60)]);
  });
});

describe('DPoP proofs for another request or token (htm, htu, ath, jkt)', () => {
  it('refuses a proof made for another method', async () => {
    await rejects(verifyDpopProof(await proof({ method: 'GET' }), expectation()), 'ERR_DPOP_PROOF_MISMATCH', /htm/);
    await rejects(verifyDpopProof(await proof({ method: 'post' }), expectation()), 'ERR_DPOP_PROOF_MISMATCH', /htm/);
  });

  it.each([
    ['another path', 'http://127.0.0.1:8417/mcp/admin'],
    ['a path prefix', 'http://127.0.0.1:8417/mcp'],
    ['a trailing slash', 'http://127.0.0.1:8417/mcp/files/'],
    ['another case in the path', 'http://127.0.0.1:8417/MCP/files'],
    ['another port', 'http://127.0.0.1:8418/mcp/files'],
    ['another host', 'http://localhost:8417/mcp/files'],
    ['another scheme', 'https://127.0.0.1:8417/mcp/files'],
  ])('refuses a proof made for %s', async (_what, url) => {
    await rejects(verifyDpopProof(await proof({ url }), expectation()), 'ERR_DPOP_PROOF_MISMATCH', /htu/);
  });

  it('refuses an htu that is not an http(s) URL or carries userinfo', async () => {
    for (const htu of ['/mcp/files', 'ftp://127.0.0.1:8417/mcp/files', 'http://agent@127.0.0.1:8417/mcp/files', 'http://127.0.0.1:8417/mcp/fi\nles']) {
      const p = await forge({ typ: 'dpop+jwt', alg: 'ES256', jwk: agent.publicJwk }, claims({ htu }));
      await rejects(verifyDpopProof(p, expectation({ accessToken: undefined })), 'ERR_DPOP_PROOF_MISMATCH', /htu/);
    }
  });

  it('refuses a proof signed by a key other than the one the token is bound to (stolen token)', async () => {
    await rejects(verifyDpopProof(await proof({}, thief), expectation()), 'ERR_DPOP_PROOF_MISMATCH', /bound/);
  });

  it('refuses a proof made for another access token (token swapped)', async () => {
    await rejects(verifyDpopProof(await proof({ accessToken: `${TOKEN}x` }), expectation()), 'ERR_DPOP_PROOF_MISMATCH', /ath/);
  });

  it('refuses a proof without ath when a token is presented', async () => {
    await rejects(verifyDpopProof(await proof({ accessToken: undefined }), expectation()), 'ERR_DPOP_PROOF_MISMATCH', /ath/);
  });
});

describe('DPoP proofs at the wrong time (iat)', () => {
  it('refuses a proof older than the window (captured and used later)', async () => {
    const clock = new ManualClock(NOW);
    const p = await proof({ now: clock.now() });
    clock.advance(seconds(61));
    await rejects(verifyDpopProof(p, expectation({ now: clock.now() })), 'ERR_DPOP_PROOF_STALE', /older/);
  });

  it('honours a shorter maxAgeSeconds', async () => {
    await rejects(verifyDpopProof(await proof(), expectation({ now: NOW + seconds(11), maxAgeSeconds: 10 })), 'ERR_DPOP_PROOF_STALE');
  });

  it('refuses a proof dated in the future (pre-generated)', async () => {
    await rejects(verifyDpopProof(await proof({ now: NOW + seconds(6) }), expectation()), 'ERR_DPOP_PROOF_STALE', /future/);
    await rejects(verifyDpopProof(await proof({ now: NOW + seconds(3600) }), expectation()), 'ERR_DPOP_PROOF_STALE', /future/);
  });
});

describe('malformed and forged DPoP proofs', () => {
  it('refuses alg none', async () => {
    const header = { typ: 'dpop+jwt', alg: 'none', jwk: agent.publicJwk };
    await rejects(verifyDpopProof(`${b64json(header)}.${b64json(claims())}.`, expectation({ accessToken: undefined })), 'ERR_DPOP_PROOF_INVALID');
    await rejects(verifyDpopProof(`${b64json(header)}.${b64json(claims())}.AAAA`, expectation({ accessToken: undefined })), 'ERR_DPOP_PROOF_INVALID', /alg/);
  });

  it('refuses HS256, with the public key or a symmetric key as the secret', async () => {
    const publicAsSecret = new TextEncoder().encode(JSON.stringify(agent.publicJwk));
    const withEcJwk = await forge({ typ: 'dpop+jwt', alg: 'HS256', jwk: agent.publicJwk }, claims(), publicAsSecret);
    await rejects(verifyDpopProof(withEcJwk, expectation({ accessToken: undefined })), 'ERR_DPOP_PROOF_INVALID', /alg/);
    const secret = new Uint8Array(32).fill(7);
    const withOctJwk = await forge({ typ: 'dpop+jwt', alg: 'HS256', jwk: { kty: 'oct', k: base64url.encode(secret) } }, claims(), secret);
    await rejects(verifyDpopProof(withOctJwk, expectation({ accessToken: undefined, jkt: undefined })), 'ERR_DPOP_PROOF_INVALID', /alg/);
  });

  it('refuses algorithms outside the allow-list and a key of the wrong type for alg', async () => {
    const es512 = await keyPair('ES512' as DpopAlg);
    await rejects(verifyDpopProof(await forge({ typ: 'dpop+jwt', alg: 'ES512', jwk: es512.publicJwk }, claims(), es512.privateKey), expectation({ accessToken: undefined, jkt: undefined })), 'ERR_DPOP_PROOF_INVALID', /alg/);
    const es384 = await keyPair('ES384');
    // A P-384 key presented under ES256: the curve must match the algorithm.
    await rejects(verifyDpopProof(await forge({ typ: 'dpop+jwt', alg: 'ES256', jwk: es384.publicJwk }, claims(), agent.privateKey), expectation({ accessToken: undefined, jkt: undefined })), 'ERR_DPOP_PROOF_INVALID', /curve/);
    // An EC key presented under RS256: the key type must match the algorithm.
    const rsWithEc = `${b64json({ typ: 'dpop+jwt', alg: 'RS256', jwk: agent.publicJwk })}.${b64json(claims())}.AAAA`;
    await rejects(verifyDpopProof(rsWithEc, expectation({ accessToken: undefined })), 'ERR_DPOP_PROOF_INVALID', /RSA/);
  });

  it('refuses an RSA key below 2048 bits', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const jwk = publicKey.export({ format: 'jwk' });
    const input = `${b64json({ typ: 'dpop+jwt', alg: 'RS256', jwk })}.${b64json(claims())}`;
    const signature = nodeSign('sha256', Buffer.from(input), privateKey).toString('base64url');
    await rejects(verifyDpopProof(`${input}.${signature}`, expectation({ accessToken: undefined, jkt: undefined })), 'ERR_DPOP_PROOF_INVALID', /2048/);
  });

  it.each([
    ['missing', undefined],
    ['JWT (an access token passed off as a proof)', 'JWT'],
    ['in another case', 'DPOP+JWT'],
    ['with a media type prefix', 'application/dpop+jwt'],
  ])('refuses typ %s', async (_what, typ) => {
    const p = await forge({ typ, alg: 'ES256', jwk: agent.publicJwk }, claims());
    await rejects(verifyDpopProof(p, expectation({ accessToken: undefined })), 'ERR_DPOP_PROOF_INVALID', /typ/);
  });

  it('refuses a jwk header that carries the private key', async () => {
    const p = await forge({ typ: 'dpop+jwt', alg: 'ES256', jwk: agent.privateJwk }, claims());
    await rejects(verifyDpopProof(p, expectation({ accessToken: undefined })), 'ERR_DPOP_PROOF_INVALID', /private/);
  });

  it('refuses a proof without a jwk header, or with a kid/jku pointing elsewhere instead', async () => {
    const p = await forge({ typ: 'dpop+jwt', alg: 'ES256', kid: agent.jkt, jku: 'https://evil.example/jwks' }, claims());
    await rejects(verifyDpopProof(p, expectation({ accessToken: undefined })), 'ERR_DPOP_PROOF_INVALID', /jwk/);
  });

  it('refuses a proof whose embedded jwk is not the key that signed it', async () => {
    const p = await forge({ typ: 'dpop+jwt', alg: 'ES256', jwk: agent.publicJwk }, claims(), thief.privateKey);
    await rejects(verifyDpopProof(p, expectation({ accessToken: undefined })), 'ERR_DPOP_PROOF_INVALID', /signature/);
  });

  it('refuses a proof whose payload was edited after signing', async () => {
    const [h, , s] = (await proof()).split('.');
    const edited = `${h}.${b64json({ ...claims(), ath: undefined, htm: 'POST' })}.${s}`;
    await rejects(verifyDpopProof(edited, expectation({ accessToken: undefined })), 'ERR_DPOP_PROOF_INVALID', /signature/);
  });

  it('refuses two proofs comma-joined (two DPoP headers)', async () => {
    const joined = `${await proof()}, ${await proof()}`;
    await rejects(verifyDpopProof(joined, expectation()), 'ERR_DPOP_PROOF_INVALID', /more than one/i);
    await rejects(verifyDpopProof(`${await proof()},${await proof()}`, expectation()), 'ERR_DPOP_PROOF_INVALID', /more than one/i);
  });

  it('refuses an oversize proof before parsing it', async () => {
    const big = await forge({ typ: 'dpop+jwt', alg: 'ES256', jwk: agent.publicJwk }, claims({ pad: 'x'.repeat(MAX_PROOF_CHARS) }));
    await rejects(verifyDpopProof(big, expectation({ accessToken: undefined })), 'ERR_DPOP_PROOF_INVALID', /exceeds/);
  });

  it('refuses what is not a compact JWS, and an empty header value', async () => {
    for (const junk of ['not-a-jwt', 'a.b', 'a.b.c.d.e', `${await proof()} `, 'e30.e30.e30', `${b64json({ typ: 'dpop+jwt' })}.bm90IGpzb24.AAAA`]) {
      await rejects(verifyDpopProof(junk, expectation()), 'ERR_DPOP_PROOF_INVALID');
    }
    await rejects(verifyDpopProof('', expectation()), 'ERR_DPOP_PROOF_MISSING');
  });

  it('refuses missing or ill-typed required claims and an oversize jti', async () => {
    const header = { typ: 'dpop+jwt', alg: 'ES256', jwk: agent.publicJwk };
    for (const bad of [{ jti: undefined }, { jti: '' }, { jti: 'j'.repeat(129) }, { jti: 7 }, { htm: undefined }, { htu: undefined }, { iat: undefined }, { iat: '1' }]) {
      await rejects(verifyDpopProof(await forge(header, claims(bad)), expectation({ accessToken: undefined })), 'ERR_DPOP_PROOF_INVALID', /jti|htm|htu|iat/);
    }
  });

  it('refuses crit and b64 headers', async () => {
    for (const extra of [{ crit: ['exp'], exp: 1 }, { b64: false, crit: ['b64'] }, { b64: true }]) {
      const raw = `${b64json({ typ: 'dpop+jwt', alg: 'ES256', jwk: agent.publicJwk, ...extra })}.${b64json(claims())}.AAAA`;
      await rejects(verifyDpopProof(raw, expectation({ accessToken: undefined })), 'ERR_DPOP_PROOF_INVALID', /crit|b64/);
    }
  });
});

describe('DPoP nonces (RFC 9449 §9, §11.3)', () => {
  const source = (clock: ManualClock) => createDpopNonceSource(clock, { secret: new Uint8Array(32).fill(1) });

  it('refuses a proof without a nonce when the server requires one', async () => {
    const clock = new ManualClock(NOW);
    await rejects(verifyDpopProof(await proof(), expectation({ nonce: source(clock) })), 'ERR_DPOP_NONCE_REQUIRED', /required/);
    await rejects(verifyDpopProof(await proof(), expectation({ nonce: 'fixed-nonce' })), 'ERR_DPOP_NONCE_REQUIRED');
  });

  it('accepts the current nonce and the one of the previous bucket', async () => {
    const clock = new ManualClock(NOW);
    const nonces = source(clock);
    const nonce = nonces.current();
    await expect(verifyDpopProof(await proof({ nonce }), expectation({ nonce: nonces }))).resolves.toBeTruthy();
    clock.advance(DEFAULT_NONCE_BUCKET_MS);
    await expect(verifyDpopProof(await proof({ nonce, now: clock.now() }), expectation({ nonce: nonces, now: clock.now() }))).resolves.toBeTruthy();
    await expect(verifyDpopProof(await proof({ nonce: 'fixed-nonce' }), expectation({ nonce: 'fixed-nonce' }))).resolves.toBeTruthy();
  });

  it('refuses a nonce two buckets old, even in a freshly made proof', async () => {
    const clock = new ManualClock(NOW);
    const nonces = source(clock);
    const nonce = nonces.current();
    clock.advance(2 * DEFAULT_NONCE_BUCKET_MS);
    await rejects(verifyDpopProof(await proof({ nonce, now: clock.now() }), expectation({ nonce: nonces, now: clock.now() })), 'ERR_DPOP_NONCE_REQUIRED', /not current/);
  });

  it('refuses a forged nonce and one from another process (a restart)', async () => {
    const clock = new ManualClock(NOW);
    const nonces = source(clock);
    const forged = base64url.encode(new Uint8Array(32).fill(9));
    await rejects(verifyDpopProof(await proof({ nonce: forged }), expectation({ nonce: nonces })), 'ERR_DPOP_NONCE_REQUIRED');
    const otherProcess = createDpopNonceSource(clock);
    await rejects(verifyDpopProof(await proof({ nonce: otherProcess.current() }), expectation({ nonce: nonces })), 'ERR_DPOP_NONCE_REQUIRED');
  });
});
