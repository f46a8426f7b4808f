import { chmodSync, existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../test-support/control-plane.js';
import { electronSafeStorageProvider, fileMasterKeyProvider } from './master-key.js';
import { open, seal } from './sealed-box.js';

describe('signing keys at rest', () => {
  it('the master key file is created owner-only (0600) and reused', async () => {
    const dir = tempDir();
    const first = await fileMasterKeyProvider().load(dir);
    expect(statSync(join(dir, 'master-key.json')).mode & 0o777).toBe(0o600);
    expect((await fileMasterKeyProvider().load(dir)).equals(first)).toBe(true);
  });

  it('a master key file readable by other users is refused', async () => {
    const dir = tempDir();
    await fileMasterKeyProvider().load(dir);
    chmodSync(join(dir, 'master-key.json'), 0o644);
    await expect(fileMasterKeyProvider().load(dir)).rejects.toMatchObject({ code: 'ERR_MASTER_KEY_LOCKED' });
  });

  it('a passphrase-protected key needs the right passphrase and does not store the key in clear', async () => {
    const dir = tempDir();
    const key = await fileMasterKeyProvider({ passphrase: 'correct horse' }).load(dir);
    expect(readFileSync(join(dir, 'master-key.json'), 'utf8')).not.toContain(key.toString('base64'));
    await expect(fileMasterKeyProvider({ passphrase: 'wrong' }).load(dir)).rejects.toMatchObject({ code: 'ERR_MASTER_KEY_LOCKED' });
    await expect(fileMasterKeyProvider().load(dir)).rejects.toMatchObject({ code: 'ERR_MASTER_KEY_LOCKED' });
    expect((await fileMasterKeyProvider({ passphrase: 'correct horse' }).load(dir)).equals(key)).toBe(true);
  });

  it('a sealed key moved to another key id does not open (bound by associated data)', () => {
    const master = Buffer.alloc(32, 7);
    const sealed = seal(master, Buffer.from('secret'), 'signing-key:a');
    expect(open(master, sealed, 'signing-key:a').toString()).toBe('secret');
    expect(() => open(master, sealed, 'signing-key:b')).toThrow(expect.objectContaining({ code: 'ERR_MASTER_KEY_LOCKED' }));
  });

  it('on the desktop the master key is sealed by the OS credential store (safeStorage)', async () => {
    const dir = tempDir();
    // A stand-in with safeStorage's contract: what it encrypts only it can decrypt.
    const box = Buffer.alloc(32, 9);
    const safeStorage = {
      isEncryptionAvailable: () => true,
      encryptString: (s: string) => Buffer.from(seal(box, Buffer.from(s), 'os')),
      decryptString: (b: Buffer) => open(box, b, 'os').toString(),
    };
    const provider = electronSafeStorageProvider(safeStorage);
    const key = await provider.load(dir);
    expect(readFileSync(join(dir, 'master-key.safe')).includes(Buffer.from(key.toString('base64')))).toBe(false);
    expect((await provider.load(dir)).equals(key)).toBe(true);
    expect(provider.protection?.()).toEqual({ kind: 'os-keychain', note: null });
  });

  it("Linux's basic_text backend is no seal: the key goes to the 0600 file and the owner is told why", async () => {
    const dir = tempDir();
    const box = Buffer.alloc(32, 7);
    const basicText = {
      isEncryptionAvailable: () => true,
      getSelectedStorageBackend: () => 'basic_text',
      encryptString: (s: string) => Buffer.from(seal(box, Buffer.from(s), 'os')),
      decryptString: (b: Buffer) => open(box, b, 'os').toString(),
    };
    const provider = electronSafeStorageProvider(basicText);
    const key = await provider.load(dir);
    expect(existsSync(join(dir, 'master-key.safe'))).toBe(false);
    expect(statSync(join(dir, 'master-key.json')).mode & 0o777).toBe(0o600);
    expect(provider.protection?.()).toMatchObject({ kind: 'file', note: expect.stringContaining('basic_text') });
    // A keyring that appears later does not replace the key: everything sealed under it stays readable.
    const keyring = { ...basicText, getSelectedStorageBackend: () => 'gnome_libsecret' };
    const later = electronSafeStorageProvider(keyring);
    expect((await later.load(dir)).equals(key)).toBe(true);
    expect(later.protection?.()).toMatchObject({ kind: 'file', note: expect.stringContaining('stays there') });
  });
});
