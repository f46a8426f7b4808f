import type { OwnerState } from '../../src-shared/reaper.js';
import type { OwnerRecord, OwnerRepository } from '../core/reaper-ports.js';
import type { Db } from './database.js';

interface Row {
  id: string;
  state: OwnerState;
  auto_suspend: number;
  updated_at: number;
}

const fromRow = (r: Row): OwnerRecord => ({ id: r.id, state: r.state, autoSuspend: r.auto_suspend === 1, updatedAt: r.updated_at });

export function sqliteOwnerRepository(db: Db): OwnerRepository {
  const get = db.prepare<[string], Row>('SELECT * FROM owners WHERE id = ?');
  const list = db.prepare<[], Row>('SELECT * FROM owners ORDER BY id');
  const upsert = db.prepare(`INSERT INTO owners (id, state, auto_suspend, updated_at) VALUES (@id, @state, @autoSuspend, @updatedAt)
    ON CONFLICT (id) DO UPDATE SET state = excluded.state, auto_suspend = excluded.auto_suspend, updated_at = excluded.updated_at`);
  const counts = db.prepare<[], { owner: string; n: number }>('SELECT owner, count(*) AS n FROM identities GROUP BY owner');
  return {
    get(id) {
      const row = get.get(id);
      return row ? fromRow(row) : null;
    },
    list() {
      return list.all().map(fromRow);
    },
    upsert(owner) {
      upsert.run({ ...owner, autoSuspend: owner.autoSuspend ? 1 : 0 });
    },
    identityCounts() {
      return new Map(counts.all().map((r) => [r.owner, r.n]));
    },
  };
}
