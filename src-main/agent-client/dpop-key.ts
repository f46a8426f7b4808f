import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';
import { createHash, KeyObject, randomUUID, sign, type webcrypto } from 'node:crypto';
import { boundedMemo } from '../core/bounded-memo.js';

type Key = webcrypto.CryptoKey;

const b64url = (text: string): string => Buffer.from(text).toString('base64url');

/** An agent proves every request to one URL with one token until it renews: `htu` and `ath` are the same text each time. */
const htuOf = boundedMemo(64, (url: string): string => {
  const target = new URL(url);
  return `${target.origin}${target.pathname}`;
});
const athOf = boundedMemo(64, (token: string): string => createHash('sha256').update(token).digest('base64url'));

/** The agent's proof-of-possession key (ES256). The private half never leaves this process's memory and its key file. */
export class DpopKey {
  readonly publicJwk: JWK;
  readonly thumbprint: string;
  /** Signed with node:crypto synchronously: WebCrypto's async job costs several times the signature itself, on every request. */
  readonly #privateKey: KeyObject;
  /** The protected header never changes for a key: encoded once. */
  readonly #header: string;

  private constructor(privateKey: Key, publicJwk: JWK, thumbprint: string) {
    this.#privateKey = KeyObject.from(privateKey);
    this.publicJwk = publicJwk;
    this.thumbprint = thumbprint;
    this.#header = b64url(JSON.stringify({ alg: 'ES256', typ: 'dpop+jwt', jwk: publicJwk }));
  }

  static async generate(): Promise<DpopKey> {
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
    return DpopKey.#from(privateKey as Key, await exportJWK(publicKey));
  }

  /** Loads the key from a 0600 file, creating it on first use, so a restarted agent keeps its binding. */
  static async fromFile(path: string): Promise<DpopKey> {
    try {
      const jwk = JSON.parse(await readFile(path, 'utf8')) as JWK;
      const { d: _d, ...publicJwk } = jwk;
      return DpopKey.#from((await importJWK(jwk, 'ES256')) as Key, publicJwk);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    await writeFile(path, JSON.stringify(await exportJWK(privateKey)), { mode: 0o600, flag: 'wx' });
    await chmod(path, 0o600);
    return DpopKey.#from(privateKey as Key, await exportJWK(publicKey));
  }

  static async #from(privateKey: Key, publicJwk: JWK): Promise<DpopKey> {
    const pub: JWK = { kty: publicJwk.kty, crv: publicJwk.crv, x: publicJwk.x, y: publicJwk.y };
    return new DpopKey(privateKey, pub, await calculateJwkThumbprint(pub, 'sha256'));
  }

  /** An RFC 9449 proof for one request: `htu` without query or fragment, `ath` when a token is sent. */
  async proof(method: string, url: string, options: { accessToken?: string; nonce?: string; now?: number } = {}): Promise<string> {
    const payload: Record<string, unknown> = { jti: randomUUID(), htm: method.toUpperCase(), htu: htuOf(url) };
    if (options.accessToken) payload.ath = athOf(options.accessToken);
    if (options.nonce) payload.nonce = options.nonce;
    payload.iat = Math.floor((options.now ?? Date.now()) / 1000);
    const input = `${this.#header}.${b64url(JSON.stringify(payload))}`;
    // JWS ES256 wants the raw r||s signature (RFC 7518 §3.4), not DER.
    const signature = sign('sha256', Buffer.from(input), { key: this.#privateKey, dsaEncoding: 'ieee-p1363' });
    return `${input}.${signature.toString('base64url')}`;
  }
}
