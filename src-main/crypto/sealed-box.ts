import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { CharonError } from '../core/errors.js';

// AES-256-GCM: iv (12) | tag (16) | ciphertext. The associated data binds a sealed value
// to its purpose (e.g. the key id), so a blob cannot be swapped into another row.
const IV = 12;
const TAG = 16;

export function seal(key: Uint8Array, plaintext: Uint8Array, associatedData: string): Uint8Array {
  if (key.length !== 32) throw new TypeError('seal: key must be 32 bytes');
  const iv = randomBytes(IV);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(associatedData, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), ciphertext]);
}

export function open(key: Uint8Array, sealed: Uint8Array, associatedData: string): Buffer {
  if (key.length !== 32) throw new TypeError('open: key must be 32 bytes');
  if (sealed.length < IV + TAG) throw new CharonError('ERR_MASTER_KEY_LOCKED', 'Sealed value is truncated');
  const buf = Buffer.from(sealed);
  const decipher = createDecipheriv('aes-256-gcm', key, buf.subarray(0, IV));
  decipher.setAAD(Buffer.from(associatedData, 'utf8'));
  decipher.setAuthTag(buf.subarray(IV, IV + TAG));
  try {
    return Buffer.concat([decipher.update(buf.subarray(IV + TAG)), decipher.final()]);
  } catch (error) {
    throw new CharonError('ERR_MASTER_KEY_LOCKED', 'Cannot decrypt a sealed value: wrong master key or tampered data', { cause: error });
  }
}
