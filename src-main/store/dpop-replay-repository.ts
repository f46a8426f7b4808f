import type { DpopReplayStore } from '../core/ports.js';
import type { Db } from './database.js';

/**
 * Seen DPoP proofs in `dpop_proofs` (migration 2). In the database rather than in memory so a
 * proof stays spent across a gateway restart and across gateway processes sharing the data dir.
 * `INSERT OR IGNORE` on the (jkt, jti) primary key is the check and the record in one statement:
 * SQLite serializes writers, so of two concurrent inserts exactly one reports a change.
 */
export function sqliteDpopReplayRepository(db: Db): DpopReplayStore {
  const insert = db.prepare('INSERT OR IGNORE INTO dpop_proofs (jkt, jti, expires_at) VALUES (?, ?, ?)');
  // Uses the dpop_proofs_expiry index.
  const purge = db.prepare('DELETE FROM dpop_proofs WHERE expires_at < ?');
  return {
    remember: (jkt, jti, expiresAt) => insert.run(jkt, jti, expiresAt).changes === 1,
    purgeExpired: (now) => purge.run(now).changes,
  };
}
