import { randomBytes, scryptSync } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CharonError } from '../core/errors.js';
import { open, seal } from './sealed-box.js';

/** Supplies the 32-byte key that encrypts signing keys at rest. */
export interface MasterKeyProvider {
  load(dataDir: string): Promise<Buffer>;
}

const KEY_FILE = 'master-key.json';
const SAFE_STORAGE_FILE = 'master-key.safe';
// scrypt cost for a passphrase-protected key file: N=2^15, r=8 (~32 MiB, ~100 ms here).
const SCRYPT = { N: 1 << 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 } as const;

type KeyFile =
  | { v: 1; protection: 'none'; key: string }
  | { v: 1; protection: 'scrypt'; salt: string; sealed: string };

/**
 * Headless: a key file readable only by its owner (0600), optionally protected by a
 * passphrase. Created on first use; a concurrent creator loses the race and reads the winner's.
 */
export function fileMasterKeyProvider(options: { passphrase?: string } = {}): MasterKeyProvider {
  return {
    async load(dataDir) {
      const path = join(dataDir, KEY_FILE);
      const created = createIfMissing(path, options.passphrase);
      if (created) return created;
      assertPrivate(path);
      return decodeKeyFile(readFileSync(path, 'utf8'), options.passphrase);
    },
  };
}

function createIfMissing(path: string, passphrase: string | undefined): Buffer | null {
  const key = randomBytes(32);
  let file: KeyFile;
  if (passphrase) {
    const salt = randomBytes(16);
    const kek = scryptSync(passphrase, salt, 32, SCRYPT);
    file = { v: 1, protection: 'scrypt', salt: salt.toString('base64'), sealed: Buffer.from(seal(kek, key, 'charon-master-key')).toString('base64') };
  } else {
    file = { v: 1, protection: 'none', key: key.toString('base64') };
  }
  try {
    writeFileSync(path, `${JSON.stringify(file)}\n`, { flag: 'wx', mode: 0o600 });
    return key;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return null;
    throw error;
  }
}

function assertPrivate(path: string): void {
  if (process.platform === 'win32') return;
  const mode = statSync(path).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    throw new CharonError('ERR_MASTER_KEY_LOCKED', `${path} is readable by other users (mode ${mode.toString(8)}); run chmod 600 on it`);
  }
}

function decodeKeyFile(text: string, passphrase: string | undefined): Buffer {
  let file: KeyFile;
  try {
    file = JSON.parse(text) as KeyFile;
  } catch (error) {
    throw new CharonError('ERR_MASTER_KEY_LOCKED', 'The master key file is corrupt', { cause: error });
  }
  if (file.protection === 'none') return Buffer.from(file.key, 'base64');
  if (!passphrase) {
    throw new CharonError('ERR_MASTER_KEY_LOCKED', 'The master key is passphrase-protected: set CHARON_PASSPHRASE or pass --passphrase-file');
  }
  const kek = scryptSync(passphrase, Buffer.from(file.salt, 'base64'), 32, SCRYPT);
  try {
    return open(kek, Buffer.from(file.sealed, 'base64'), 'charon-master-key');
  } catch (error) {
    throw new CharonError('ERR_MASTER_KEY_LOCKED', 'Wrong passphrase for the master key', { cause: error });
  }
}

/** The subset of Electron's safeStorage we use (the OS keychain / DPAPI / libsecret). */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
}

/** Desktop: the master key sealed by the operating system's credential store. */
export function electronSafeStorageProvider(safeStorage: SafeStorageLike, fallback: MasterKeyProvider = fileMasterKeyProvider()): MasterKeyProvider {
  return {
    async load(dataDir) {
      if (!safeStorage.isEncryptionAvailable()) return fallback.load(dataDir);
      const path = join(dataDir, SAFE_STORAGE_FILE);
      const key = randomBytes(32);
      try {
        writeFileSync(path, safeStorage.encryptString(key.toString('base64')), { flag: 'wx', mode: 0o600 });
        return key;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      return Buffer.from(safeStorage.decryptString(readFileSync(path)), 'base64');
    },
  };
}
