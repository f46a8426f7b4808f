import Database from 'better-sqlite3';
import { CharonError } from '../core/errors.js';
import type { Db } from './database.js';
import { migrations } from './migrations.js';

// Moving a control plane from one store to another (the desktop's SQLite file to a team's
// Postgres, or back): every row of every table, as stored. Nothing is re-signed or re-hashed, so
// the audit chain, its MACs and checkpoints, the sealed signing keys and the passkey approvals
// verify in the new store exactly as in the old one (given the same master key file).

export interface StoreDump {
  readonly format: 'charon-store';
  /** The schema version (migration count) the rows were read at. */
  readonly schema: number;
  readonly exportedAt: number;
  /** Table name → rows (BLOB columns as base64 strings), in an order that respects foreign keys. */
  readonly tables: Record<string, Record<string, unknown>[]>;
}

interface TableShape {
  readonly name: string;
  readonly columns: readonly string[];
  readonly blobs: ReadonlySet<string>;
  /** A rowid-style integer key Postgres numbers with an identity sequence. */
  readonly identity: string | null;
  /** Rows that reference rows of the same table come after them. */
  readonly orderBy: string;
}

/** The tables as the migrations make them, in creation order (a table refers only to earlier ones). */
function schemaShape(): TableShape[] {
  const db = new Database(':memory:');
  try {
    for (const migration of migrations) db.exec(migration);
    const tables = db.prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY rowid").all();
    return tables.map(({ name }) => {
      const info = db.prepare<[], { name: string; type: string; pk: number }>(`PRAGMA table_info(${name})`).all();
      const keys = info.filter((c) => c.pk > 0);
      const identity = keys.length === 1 && keys[0]?.type === 'INTEGER' ? keys[0].name : null;
      const columns = info.map((c) => c.name);
      return {
        name,
        columns,
        blobs: new Set(info.filter((c) => c.type === 'BLOB').map((c) => c.name)),
        identity,
        // Delegation hops point at their parent hop: parents (smaller depth) first.
        orderBy: columns.includes('depth') ? `depth, ${keys.map((k) => k.name).join(', ')}` : keys.map((k) => k.name).join(', ') || 'rowid',
      };
    });
  } finally {
    db.close();
  }
}

/** Every row of every table, read in one transaction (a consistent snapshot). */
export function dumpStore(db: Db, transact: <T>(fn: () => T) => T, now: number): StoreDump {
  return transact(() => {
    const tables: Record<string, Record<string, unknown>[]> = {};
    for (const t of schemaShape()) {
      tables[t.name] = db
        .prepare<[], Record<string, unknown>>(`SELECT ${t.columns.join(', ')} FROM ${t.name} ORDER BY ${t.orderBy}`)
        .all()
        .map((row) => {
          for (const column of t.blobs) if (Buffer.isBuffer(row[column])) row[column] = (row[column] as Buffer).toString('base64');
          return row;
        });
    }
    return { format: 'charon-store', schema: migrations.length, exportedAt: now, tables };
  });
}

/**
 * Loads a dump into an empty store of the same schema version, in one transaction: all of it or
 * none. Refused when the target already holds a control plane (its own keys or records).
 */
export function loadStore(db: Db, transact: <T>(fn: () => T) => T, dump: StoreDump): { rows: number } {
  if (dump.format !== 'charon-store' || typeof dump.tables !== 'object') throw new CharonError('ERR_INVALID_INPUT', 'Not a Charon store export');
  if (dump.schema !== migrations.length) throw new CharonError('ERR_INVALID_INPUT', `The export is of schema v${dump.schema}; this build is v${migrations.length}: export and import with the same version`);
  const shapes = schemaShape();
  return transact(() => {
    for (const t of shapes) {
      const present = db.prepare<[], { n: number }>(`SELECT count(*) AS n FROM ${t.name}`).get()?.n ?? 0;
      if (present > 0) throw new CharonError('ERR_STORE_NOT_EMPTY', `The target store is not empty (${t.name} has ${present} rows): import into a new store, before any charon serve has run on it`);
    }
    let rows = 0;
    for (const t of shapes) {
      const given = dump.tables[t.name] ?? [];
      const insert = db.prepare(`INSERT INTO ${t.name} (${t.columns.join(', ')}) VALUES (${t.columns.map(() => '?').join(', ')})`);
      for (const row of given) {
        insert.run(...t.columns.map((c) => (t.blobs.has(c) && typeof row[c] === 'string' ? Buffer.from(row[c], 'base64') : (row[c] ?? null))));
        rows++;
      }
      // Postgres numbers new rows from a sequence of its own: past the imported keys.
      if (t.identity && (db as { dialect?: string }).dialect === 'postgres' && given.length > 0) {
        db.prepare(`SELECT setval(pg_get_serial_sequence('${t.name}', '${t.identity}'), (SELECT max(${t.identity}) FROM ${t.name}))`).get();
      }
    }
    return { rows };
  });
}

/** Empties every table (children first): an import whose chain did not verify leaves nothing behind. */
export function unloadStore(db: Db, transact: <T>(fn: () => T) => T): void {
  const shapes = schemaShape().reverse();
  transact(() => {
    for (const t of shapes) {
      // Hops point at their parents: the deepest go first.
      if (t.columns.includes('depth')) db.prepare(`UPDATE ${t.name} SET parent_id = NULL`).run();
      db.prepare(`DELETE FROM ${t.name}`).run();
    }
  });
}
