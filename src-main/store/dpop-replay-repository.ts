import type { DpopReplayStore } from '../core/ports.js';
import type { Db } from './database.js';

/**
 * Seen DPoP proofs in `dpop_proofs` (migration 2). In the database rather than in memory so a
 * proof stays spent across a gateway restart and across gateway processes sharing the data dir.
 * `INSERT OR IGNORE` on the (jkt, jti) primary key is the check and the record in one statement:
 * SQLite serializes writers, so of two concurrent inserts exactly one reports a change.
 */
export function sqliteDpopReplayRepository(db: Db): DpopReplayStore {
  // The horizon check and the insert in one statement (one round trip on a shared Postgres): a
  // proof older than what purges forgot is never recorded as unseen.
  const insert = db.prepare(
    `INSERT OR IGNORE INTO dpop_proofs (jkt, jti, expires_at) SELECT CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS INTEGER)
    WHERE ? >= coalesce((SELECT CAST(value AS INTEGER) FROM meta WHERE key = '${PURGED_UNTIL}'), 0)`,
  );
  // Uses the dpop_proofs_expiry index.
  const purge = db.prepare('DELETE FROM dpop_proofs WHERE expires_at < ?');
  // How far purges have forgotten, never moving back: after the clock jumps forward, a purge and a
  // jump back, a proof from before the jump would otherwise look fresh and unseen. Purges keep a
  // margin, so a clock stepped back by less than it loses nothing; a larger step fails closed
  // (proofs refused) until the clock is past the horizon again.
  const raisePurgedUntil = db.prepare(`INSERT INTO meta (key, value) VALUES ('${PURGED_UNTIL}', ?) ON CONFLICT(key) DO UPDATE SET value = max(CAST(meta.value AS INTEGER), CAST(excluded.value AS INTEGER))`);
  const purgeAndRaise = db.transaction((now: number) => {
    const horizon = now - PURGE_MARGIN_MS;
    const n = purge.run(horizon).changes;
    raisePurgedUntil.run(String(horizon));
    return n;
  });
  return {
    remember: (jkt, jti, expiresAt) => insert.run(jkt, jti, expiresAt, expiresAt).changes === 1,
    purgeExpired: (now) => purgeAndRaise(now),
  };
}

const PURGED_UNTIL = 'dpop_proofs_purged_until';
/** Spent proofs are kept this long past their window: clock steps back up to this size are harmless. */
export const PURGE_MARGIN_MS = 10 * 60 * 1000;
