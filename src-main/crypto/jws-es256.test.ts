import { generateKeyPairSync, webcrypto } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signEs256, verifyEs256, verifyEs256Shared } from './jws-es256.js';
import type { JoseKey } from './signing-key.js';

const pair = (): { privateKey: JoseKey; publicKey: JoseKey } => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { privateKey: privateKey.toCryptoKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign']) as JoseKey, publicKey: publicKey.toCryptoKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['verify']) as JoseKey };
};

describe('ES256 with node:crypto', () => {
  const issuer = pair();
  const thief = pair();
  const input = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0';

  it('verifies its own signature and one made by WebCrypto (what jose makes)', async () => {
    const ours = signEs256(input, issuer.privateKey).split('.')[2] as string;
    const theirs = Buffer.from(await webcrypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, issuer.privateKey, Buffer.from(input))).toString('base64url');
    expect(verifyEs256(input, ours, issuer.publicKey)).toBe(true);
    expect(verifyEs256(input, theirs, issuer.publicKey)).toBe(true);
  });

  it('refuses another key, another input, a DER signature and characters outside base64url', () => {
    const signature = signEs256(input, issuer.privateKey).split('.')[2] as string;
    expect(verifyEs256(input, signEs256(input, thief.privateKey).split('.')[2] as string, issuer.publicKey)).toBe(false);
    expect(verifyEs256(`${input}x`, signature, issuer.publicKey)).toBe(false);
    const raw = Buffer.from(signature, 'base64url');
    const der = Buffer.concat([Buffer.from([0x30, 0x44, 0x02, 0x20]), raw.subarray(0, 32), Buffer.from([0x02, 0x20]), raw.subarray(32)]);
    expect(verifyEs256(input, der.toString('base64url'), issuer.publicKey)).toBe(false);
    // Buffer's decoder would skip the "." and "=": the same bytes must not pass in another spelling.
    expect(verifyEs256(input, `${signature.slice(0, 10)}.${signature.slice(10)}`, issuer.publicKey)).toBe(false);
    expect(verifyEs256(input, `${signature}==`, issuer.publicKey)).toBe(false);
  });

  it('gives every caller its own answer whether it ran here or in the threadpool (64 at once, half forged)', async () => {
    const good = signEs256(input, issuer.privateKey).split('.')[2] as string;
    const forged = signEs256(input, thief.privateKey).split('.')[2] as string;
    const results = await Promise.all(Array.from({ length: 64 }, (_, i) => verifyEs256Shared(input, i % 2 === 0 ? good : forged, issuer.publicKey)));
    expect(results).toEqual(Array.from({ length: 64 }, (_, i) => i % 2 === 0));
    expect(await verifyEs256Shared(input, good, issuer.publicKey)).toBe(true);
    expect(await verifyEs256Shared(input, 'not*base64url', issuer.publicKey)).toBe(false);
  });
});
