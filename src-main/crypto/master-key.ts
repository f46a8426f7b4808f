import { randomBytes, scryptSync } from 'node:crypto';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CharonError } from '../core/errors.js';
import { open, seal } from './sealed-box.js';

/** How the master key is held, said to the owner (Settings): never a silent downgrade. */
export interface KeyProtection {
  readonly kind: 'os-keychain' | 'file';
  /** Why it is not sealed by the operating system, and how to change that; null when it is. */
  readonly note: string | null;
}

/** Supplies the 32-byte key that encrypts signing keys at rest. */
export interface MasterKeyProvider {
  load(dataDir: string): Promise<Buffer>;
  /** How the key last loaded is held (desktop only). */
  protection?(): KeyProtection;
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
  /** Linux only: which secret store seals (`basic_text` is a fixed key in Chromium, not a seal). */
  getSelectedStorageBackend?(): string;
}

/**
 * Desktop: the master key sealed by the operating system's credential store. Where there is none
 * (Linux without a Secret Service keyring: safeStorage's `basic_text`, whose "encryption" uses a
 * key built into Chromium), the key goes to the 0600 file instead, and `protection()` says so and
 * why, for the console to show: a seal that is not one is never reported as one. A key already
 * kept in that file stays the key when a keyring appears later (a new key would orphan every
 * signing key sealed under the old one).
 */
export function electronSafeStorageProvider(safeStorage: SafeStorageLike, fallback: MasterKeyProvider = fileMasterKeyProvider()): MasterKeyProvider {
  let protection: KeyProtection = { kind: 'os-keychain', note: null };
  return {
    protection: () => protection,
    async load(dataDir) {
      const path = join(dataDir, SAFE_STORAGE_FILE);
      const backend = safeStorage.getSelectedStorageBackend?.() ?? null;
      const sealing = safeStorage.isEncryptionAvailable() && backend !== 'basic_text' && backend !== 'unknown';
      if (!existsSync(path) && (!sealing || existsSync(join(dataDir, KEY_FILE)))) {
        protection = {
          kind: 'file',
          note: !sealing
            ? backend === 'basic_text'
              ? 'No keyring is available (Electron safeStorage backend basic_text), so the master key is in a file readable only by you, not sealed by the operating system. Install and unlock a Secret Service keyring (GNOME Keyring or KWallet) to have new data directories sealed.'
              : 'The operating system key store is not available, so the master key is in a file readable only by you, not sealed by the operating system.'
            : 'The master key was created in a file readable only by you before the operating system key store was available; it stays there so the signing keys sealed under it remain readable.',
        };
        return fallback.load(dataDir);
      }
      protection = { kind: 'os-keychain', note: null };
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
