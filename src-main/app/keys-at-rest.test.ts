import { describe, expect, it } from 'vitest';
import { fileMasterKeyProvider } from '../crypto/master-key.js';
import { open } from '../crypto/sealed-box.js';
import { tempDir } from '../test-support/control-plane.js';
import { openRawDb } from '../test-support/raw-db.js';
import { ControlPlane } from './control-plane.js';

describe('signing keys at rest, through the control plane', () => {
  it('the database holds no private key in clear, and a stolen database is useless without the master key', async () => {
    const dir = tempDir();
    const plane = await ControlPlane.open({ dataDir: dir });
    await plane.close();
    const db = openRawDb(dir, { readonly: true });
    const row = db.prepare('SELECT kid, sealed_private_key FROM signing_keys').get() as { kid: string; sealed_private_key: Buffer };
    db.close();
    expect(row.sealed_private_key.toString('latin1')).not.toContain('"d"');
    const other = await fileMasterKeyProvider().load(tempDir());
    expect(() => open(other, row.sealed_private_key, `signing-key:${row.kid}`)).toThrow(expect.objectContaining({ code: 'ERR_MASTER_KEY_LOCKED' }));
    await expect(ControlPlane.open({ dataDir: dir, masterKeyProvider: { load: async () => other } })).rejects.toMatchObject({ code: 'ERR_MASTER_KEY_LOCKED' });
  });

});
