import { CharonError } from '../../core/errors.js';
import { oncePerTurn, sqliteTransactor, type Db } from '../database.js';
import { migrations } from '../migrations.js';
import { assembleStore, type Store } from '../store.js';
import { PgDatabase } from './pg-database.js';
import { ddlToPostgres } from './pg-dialect.js';
import { openSyncConnection, type SyncConnection } from './sync-connection.js';

/**
 * Every table in Postgres (team mode: several `charon serve` replicas on one database). The same
 * repositories as the SQLite store, the same migrations (their DDL rewritten for Postgres), one
 * writer at a time across replicas (pg-database.ts).
 */
export function openPostgresStore(url: string): Store {
  const conn = connect(url);
  const pg = new PgDatabase(conn, redacted(url));
  try {
    migrate(pg);
  } catch (error) {
    pg.close();
    throw error;
  }
  // PgDatabase has the methods of better-sqlite3's Database that the repositories call (pg-store.test.ts runs each of them).
  const db = pg as unknown as Db;
  return assembleStore({
    kind: 'postgres',
    db,
    transactor: sqliteTransactor(db),
    walCheckpointer: null,
    // As SQLite's data_version is read: at most once per turn of the event loop.
    dataVersion: oncePerTurn(() => pg.changesByOthers()),
    close: () => pg.close(),
  });
}

/** The URL without its password, for messages and `db.name`. */
export function redacted(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://(unparsable URL)';
  }
}

function connect(url: string): SyncConnection {
  const conn = openSyncConnection(url);
  try {
    // A write waits this long for another replica's transaction, then is refused as busy (SQLite's busy_timeout).
    conn.query("SET lock_timeout = '5s'");
    return conn;
  } catch (error) {
    conn.close();
    throw new CharonError('ERR_STORE_UNAVAILABLE', `Cannot connect to the Postgres store at ${redacted(url)}: ${(error as Error).message}`, { cause: error });
  }
}

/** The schema version is Charon's migration count, as SQLite's user_version is; migrations run in one transaction under the writer lock. */
function migrate(pg: PgDatabase): void {
  pg.transaction(() => {
    pg.exec(`CREATE TABLE IF NOT EXISTS charon_schema (id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL);
      INSERT INTO charon_schema (id, version) VALUES (1, 0) ON CONFLICT (id) DO NOTHING;
      CREATE TABLE IF NOT EXISTS charon_data_version (id INTEGER PRIMARY KEY CHECK (id = 1), version BIGINT NOT NULL);
      INSERT INTO charon_data_version (id, version) VALUES (1, 0) ON CONFLICT (id) DO NOTHING;`);
    const current = pg.prepare('SELECT version FROM charon_schema WHERE id = 1').pluck().get() as number;
    if (current > migrations.length) {
      throw new CharonError('ERR_INTERNAL', `Database schema v${current} is newer than this build (v${migrations.length}); upgrade Charon.`);
    }
    for (let version = current; version < migrations.length; version++) {
      pg.exec(ddlToPostgres(migrations[version] as string));
      pg.exec(`UPDATE charon_schema SET version = ${version + 1} WHERE id = 1`);
    }
  })();
}
