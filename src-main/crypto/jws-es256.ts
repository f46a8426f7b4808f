import { KeyObject, sign, verify } from 'node:crypto';
import { base64urlBytes } from './jws-text.js';
import type { JoseKey } from './signing-key.js';

/**
 * ES256 compact JWS with node:crypto, synchronously. WebCrypto (what jose uses) sends every
 * signature through the threadpool and back: on a credential's hot path that round trip costs
 * more than the P-256 operation itself. RFC 7518 §3.4: the signature is raw r||s, 64 bytes.
 */
const keyObjects = new WeakMap<JoseKey, KeyObject>();

/** The node:crypto form of a WebCrypto key, made once per key. */
export function keyObject(key: JoseKey): KeyObject {
  let object = keyObjects.get(key);
  if (!object) {
    object = KeyObject.from(key);
    keyObjects.set(key, object);
  }
  return object;
}

/** An ES256 signature's 64 bytes (raw r||s); null for anything else. */
function signatureBytes(signature: string): Buffer | null {
  const bytes = base64urlBytes(signature);
  return bytes?.length === 64 ? bytes : null;
}

/** Whether `signature` (base64url) is a valid ES256 signature over `signingInput` under `key`; false for anything malformed. */
export function verifyEs256(signingInput: string, signature: string, key: JoseKey): boolean {
  const bytes = signatureBytes(signature);
  if (!bytes) return false;
  try {
    return verify('sha256', Buffer.from(signingInput, 'ascii'), { key: keyObject(key), dsaEncoding: 'ieee-p1363' }, bytes);
  } catch {
    return false;
  }
}

/** `signingInput.signature`, signed with `key` (a P-256 private key). */
export function signEs256(signingInput: string, key: JoseKey): string {
  const signature = sign('sha256', Buffer.from(signingInput, 'ascii'), { key: keyObject(key), dsaEncoding: 'ieee-p1363' });
  return `${signingInput}.${signature.toString('base64url')}`;
}

/** Verifications waiting in `verifyEs256Shared` now (in the threadpool, or about to run here). */
let waiting = 0;

/**
 * Straight to the threadpool, however many: its threads take the next signature the moment they
 * finish one. Rationed to a slot per core (this thread handing out the next on each completion,
 * or verifying the overflow itself), they sat idle while this thread did the callers' other work,
 * and a burst of 64 verified at 0.43-0.47x raw threadpool throughput instead of 0.52-0.63x
 * (2 cores). WebCrypto, what jose uses, queues them the same way. File work queued behind a
 * burst waits for it: about 30 µs per signature ahead of it on 2 cores.
 */
function verifyInPool(data: Buffer, key: JoseKey, signature: Buffer): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    verify('sha256', data, { key: keyObject(key), dsaEncoding: 'ieee-p1363' }, signature, (error, ok) => resolve(!error && ok));
  });
}

/**
 * `verifyEs256` where callers may come many at once (a burst of first presentations). Alone, it
 * verifies on this thread: the threadpool round trip would cost more than the signature. With
 * other verifications waiting, signatures go to the threadpool while this thread does the rest
 * of each caller's work. The result is the same either way.
 */
export async function verifyEs256Shared(signingInput: string, signature: string, key: JoseKey): Promise<boolean> {
  waiting++;
  try {
    // Lets the callers of this same turn arrive first, so `waiting` counts them.
    await undefined;
    if (waiting === 1) return verifyEs256(signingInput, signature, key);
    const bytes = signatureBytes(signature);
    return bytes !== null && (await verifyInPool(Buffer.from(signingInput, 'ascii'), key, bytes));
  } finally {
    waiting--;
  }
}
