// The proof key: thumbprints as RFC 7638 defines them, and a key cache that cannot be abused.
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';
import { describe, expect, it } from 'vitest';
import { verifyDpopProof } from './dpop.js';
import { createDpopProof } from './dpop-client.js';
import { dpopPublicKey, importDpopKey, jwkThumbprint, MAX_CACHED_KEYS, type DpopAlg } from './dpop-jwk.js';
import type { JoseKey } from './signing-key.js';

const NOW = Date.UTC(2026, 10, 23, 9, 0, 0);
const URL_ = 'http://127.0.0.1:8417/mcp/files';

async function keyPair(alg: DpopAlg): Promise<{ privateKey: JoseKey; publicJwk: JWK }> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { privateKey: privateKey as JoseKey, publicJwk: await exportJWK(publicKey) };
}

describe('jwkThumbprint', () => {
  it.each(['ES256', 'ES384', 'EdDSA', 'PS256'] as const)('matches jose for a %s key, whatever else the JWK carries', async (alg) => {
    const { publicJwk } = await keyPair(alg);
    const key = dpopPublicKey({ ...publicJwk, kid: 'ignored', use: 'sig', alg }, alg);
    if (typeof key === 'string') throw new Error(key);
    expect(jwkThumbprint(key)).toBe(await calculateJwkThumbprint(publicJwk, 'sha256'));
  });

  it('matches the RFC 7638 §3.1 example', () => {
    const n =
      '0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw';
    expect(jwkThumbprint({ kty: 'RSA', e: 'AQAB', n })).toBe('NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs');
  });
});

describe('the DPoP key cache', () => {
  it('imports a key once and reuses it for the next proofs of the same agent', async () => {
    const agent = await keyPair('ES256');
    const keyCache = new Map<string, JoseKey>();
    for (let i = 0; i < 3; i++) {
      const proof = await createDpopProof({ ...agent, method: 'GET', url: URL_, now: NOW });
      await verifyDpopProof(proof, { method: 'GET', url: URL_, now: NOW }, { keyCache });
    }
    expect(keyCache.size).toBe(1);
  });

  it('never imports the key of a proof for a token bound to another key (no cache pollution by a thief)', async () => {
    const [agent, thief] = await Promise.all([keyPair('ES256'), keyPair('ES256')]);
    const keyCache = new Map<string, JoseKey>();
    const proof = await createDpopProof({ ...thief, method: 'GET', url: URL_, now: NOW });
    await expect(verifyDpopProof(proof, { method: 'GET', url: URL_, now: NOW, jkt: await calculateJwkThumbprint(agent.publicJwk) }, { keyCache })).rejects.toMatchObject({
      code: 'ERR_DPOP_PROOF_MISMATCH',
    });
    expect(keyCache.size).toBe(0);
  });

  it('stays within its cap when flooded with fresh keys, dropping the least recently used', async () => {
    const keyCache = new Map<string, JoseKey>();
    const filler = (await keyPair('ES256')).privateKey;
    for (let i = 0; i < MAX_CACHED_KEYS; i++) keyCache.set(`filler-${i}`, filler);
    keyCache.get('filler-0');
    const agent = await keyPair('ES256');
    const key = dpopPublicKey(agent.publicJwk, 'ES256');
    if (typeof key === 'string') throw new Error(key);
    await importDpopKey(key, jwkThumbprint(key), 'ES256', keyCache);
    expect(keyCache.size).toBe(MAX_CACHED_KEYS);
    expect(keyCache.has('filler-0')).toBe(false);
    expect(keyCache.has(`ES256:${jwkThumbprint(key)}`)).toBe(true);
  });

  it('keeps RS256 and PS256 imports of one RSA key apart (WebCrypto binds a key to one algorithm)', async () => {
    const { publicJwk } = await keyPair('PS256');
    const key = dpopPublicKey(publicJwk, 'PS256');
    if (typeof key === 'string') throw new Error(key);
    const keyCache = new Map<string, JoseKey>();
    const ps = await importDpopKey(key, jwkThumbprint(key), 'PS256', keyCache);
    const rs = await importDpopKey(key, jwkThumbprint(key), 'RS256', keyCache);
    expect(ps.algorithm.name).toBe('RSA-PSS');
    expect(rs.algorithm.name).toBe('RSASSA-PKCS1-v1_5');
    expect(keyCache.size).toBe(2);
  });
});

describe('createDpopProof', () => {
  it('puts only the public key into the header, even when handed the private JWK', async () => {
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    const privateJwk = await exportJWK(privateKey);
    const proof = await createDpopProof({ privateKey: privateKey as JoseKey, publicJwk: privateJwk, method: 'GET', url: `${URL_}?q=1#f`, accessToken: 't', nonce: 'n', now: NOW });
    const header = JSON.parse(Buffer.from(proof.split('.')[0] as string, 'base64url').toString()) as { jwk: JWK; typ: string; alg: string };
    const payload = JSON.parse(Buffer.from(proof.split('.')[1] as string, 'base64url').toString()) as Record<string, unknown>;
    expect(header).toEqual({ typ: 'dpop+jwt', alg: 'ES256', jwk: { kty: 'EC', crv: 'P-256', x: privateJwk.x, y: privateJwk.y } });
    expect(payload).toMatchObject({ htm: 'GET', htu: URL_, iat: NOW / 1000, nonce: 'n', ath: '47mKTaMaEn1L3m5DAz9muidMqw636xxw7EFAK_YnPdg' });
    expect(payload.jti).toMatch(/^[0-9a-f-]{36}$/);
  });
});
