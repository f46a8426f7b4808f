// Tests that play the attacker open the SQLite file directly, behind the repositories' backs.
import { join } from 'node:path';
import Database from 'better-sqlite3';

export type RawDb = Database.Database;

export function openRawDb(dataDir: string, options: { readonly?: boolean } = {}): RawDb {
  return new Database(join(dataDir, 'charon.db'), { readonly: options.readonly ?? false });
}
