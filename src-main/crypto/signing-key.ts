import { generateKeyPairSync, type webcrypto } from 'node:crypto';
import { calculateJwkThumbprint, importJWK, type JWK } from 'jose';
import type { SigningKeyRecord } from '../core/records.js';
import { open, seal } from './sealed-box.js';

export const SVID_ALG = 'ES256';

/** jose on Node works with WebCrypto keys. */
export type JoseKey = webcrypto.CryptoKey;

/** A signing key ready for use: public half for the bundle, private half unsealed in memory only. */
export interface LoadedSigningKey {
  readonly record: SigningKeyRecord;
  readonly publicKey: JoseKey;
  readonly privateKey: JoseKey;
}

/** A fresh ES256 (P-256) key; its kid is the RFC 7638 thumbprint of the public key. */
export async function generateSigningKey(masterKey: Uint8Array, now: number): Promise<SigningKeyRecord> {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = privateKey.export({ format: 'jwk' }) as Required<Pick<JWK, 'kty' | 'crv' | 'x' | 'y' | 'd'>>;
  const publicJwk = { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y };
  const kid = await calculateJwkThumbprint(publicJwk, 'sha256');
  return {
    kid,
    alg: SVID_ALG,
    publicJwk,
    sealedPrivateKey: seal(masterKey, Buffer.from(JSON.stringify(jwk)), `signing-key:${kid}`),
    state: 'ACTIVE',
    createdAt: now,
    retiredAt: null,
    leavesBundleAt: null,
  };
}

export async function loadSigningKey(masterKey: Uint8Array, record: SigningKeyRecord): Promise<LoadedSigningKey> {
  const privateJwk = JSON.parse(open(masterKey, record.sealedPrivateKey, `signing-key:${record.kid}`).toString('utf8')) as JWK;
  const [privateKey, publicKey] = await Promise.all([importJWK(privateJwk, SVID_ALG), importJWK({ ...record.publicJwk }, SVID_ALG)]);
  return { record, privateKey: privateKey as JoseKey, publicKey: publicKey as JoseKey };
}

export async function importPublicKey(record: SigningKeyRecord): Promise<JoseKey> {
  return (await importJWK({ ...record.publicJwk }, SVID_ALG)) as JoseKey;
}

/** Whether a key belongs in the trust bundle now: active, or retired with tokens still unexpired. */
export function inBundle(record: SigningKeyRecord, now: number): boolean {
  return record.state === 'ACTIVE' || (record.leavesBundleAt !== null && record.leavesBundleAt > now);
}
