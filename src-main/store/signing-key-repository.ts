import type { SigningKeyRepository } from '../core/ports.js';
import type { SigningKeyRecord } from '../core/records.js';
import type { Db } from './database.js';

interface Row {
  kid: string;
  alg: 'ES256';
  public_jwk: string;
  sealed_private_key: Buffer;
  state: 'ACTIVE' | 'RETIRED';
  created_at: number;
  retired_at: number | null;
  leaves_bundle_at: number | null;
}

/** `table`: signing_keys (the SPIFFE bundle's) or access_signing_keys (the authorization server's). */
export function sqliteSigningKeyRepository(db: Db, table: 'signing_keys' | 'access_signing_keys' = 'signing_keys'): SigningKeyRepository {
  const insert = db.prepare(`INSERT INTO ${table} (kid, alg, public_jwk, sealed_private_key, state, created_at, retired_at, leaves_bundle_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?)`);
  const list = db.prepare<[], Row>(`SELECT * FROM ${table} ORDER BY created_at, kid`);
  const retire = db.prepare(`UPDATE ${table} SET state = 'RETIRED', retired_at = ?, leaves_bundle_at = ? WHERE kid = ?`);
  const isActive = db.prepare<[string], number>(`SELECT 1 FROM ${table} WHERE kid = ? AND state = 'ACTIVE'`).pluck();
  return {
    insert(k: SigningKeyRecord) {
      insert.run(k.kid, k.alg, JSON.stringify(k.publicJwk), Buffer.from(k.sealedPrivateKey), k.state, k.createdAt, k.retiredAt, k.leavesBundleAt);
    },
    list() {
      return list.all().map((r) => ({
        kid: r.kid,
        alg: r.alg,
        publicJwk: JSON.parse(r.public_jwk) as Record<string, string>,
        sealedPrivateKey: new Uint8Array(r.sealed_private_key),
        state: r.state,
        createdAt: r.created_at,
        retiredAt: r.retired_at,
        leavesBundleAt: r.leaves_bundle_at,
      }));
    },
    retire(kid, at, leavesBundleAt) {
      retire.run(at, leavesBundleAt, kid);
    },
    isActive(kid) {
      return isActive.get(kid) !== undefined;
    },
  };
}
