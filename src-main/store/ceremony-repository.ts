import type { CeremonyRepository } from '../core/approval-records.js';
import type { Db } from './database.js';

export function sqliteCeremonyRepository(db: Db): CeremonyRepository {
  const put = db.prepare('INSERT INTO ceremonies (id, payload, expires_at) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET payload = excluded.payload, expires_at = excluded.expires_at');
  const take = db.prepare<[string], { payload: string; expires_at: number }>('DELETE FROM ceremonies WHERE id = ? RETURNING payload, expires_at');
  const ids = db.prepare<[], { id: string }>('SELECT id FROM ceremonies');
  const drop = db.prepare('DELETE FROM ceremonies WHERE id = ?');
  const sweep = db.prepare('DELETE FROM ceremonies WHERE expires_at <= ?');
  return {
    put: (id, payload, expiresAt) => void put.run(id, payload, expiresAt),
    take(id) {
      const row = take.get(id);
      return row ? { payload: row.payload, expiresAt: row.expires_at } : null;
    },
    // Few rows (swept as they expire): matched here, so no SQL pattern or collation gets a say.
    dropPrefix(prefix) {
      for (const { id } of ids.all()) if (id.startsWith(prefix)) drop.run(id);
    },
    sweep(now, prefix) {
      sweep.run(now);
      return ids.all().filter(({ id }) => id.startsWith(prefix)).length;
    },
  };
}
