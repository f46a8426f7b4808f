import type { MetaRepository } from '../core/ports.js';
import type { Db } from './database.js';

export function sqliteMetaRepository(db: Db): MetaRepository {
  const get = db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?');
  const set = db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value');
  return {
    get: (key) => get.get(key)?.value ?? null,
    set: (key, value) => void set.run(key, value),
  };
}
