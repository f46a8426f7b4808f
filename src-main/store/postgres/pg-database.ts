import { toPostgres, type PgStatementText } from './pg-dialect.js';
import type { QueryResult, SyncConnection } from './sync-connection.js';

// The part of better-sqlite3's API the repositories use, over one Postgres connection, so every
// repository runs unchanged on either store. What SQLite gives by being one file with one writer,
// this gives the replicas that share a database:
// - one writer at a time: every transaction starts by taking one advisory lock, as SQLite's
//   BEGIN IMMEDIATE takes the write lock. An envelope cap, a spent DPoP proof and the audit chain's
//   append are then decided by one replica at a time, each seeing the others' commits;
// - nested transactions are savepoints, as in better-sqlite3;
// - a write outside a transaction is a transaction of its own;
// - PRAGMA data_version: each committing transaction that wrote bumps a shared counter, and
//   `changesByOthers()` is that counter minus this connection's own bumps (it moves only when
//   another replica commits, which is what the caches ask).

/** The key of the advisory lock every write transaction holds: one writer at a time, across replicas. */
const WRITER_LOCK = 0x63686172; // 'char'

type Params = readonly unknown[];

export class PgDatabase {
  readonly name: string;
  readonly dialect = 'postgres';
  #conn: SyncConnection;
  #depth = 0;
  #wrote = false;
  #ownBumps = 0;
  #open = true;
  /** Nested transactions open now, innermost last; `set` once the savepoint exists in Postgres (or needs not: `virtual`). */
  readonly #savepoints: { name: string; set: boolean; virtual: boolean }[] = [];
  /** Statements run in the open transaction. */
  #statements = 0;

  constructor(conn: SyncConnection, name: string) {
    this.#conn = conn;
    this.name = name;
  }

  get open(): boolean {
    return this.#open;
  }

  get inTransaction(): boolean {
    return this.#depth > 0;
  }

  prepare(sql: string): PgStatement {
    return new PgStatement(this, toPostgres(sql));
  }

  /** Statements without parameters (the migrations), in one transaction of their own unless inside one. */
  exec(sql: string): this {
    this.#write(() => this.#conn.query(sql));
    return this;
  }

  transaction<A extends unknown[], R>(fn: (...args: A) => R): ((...args: A) => R) & { deferred: (...args: A) => R; immediate: (...args: A) => R; exclusive: (...args: A) => R } {
    const run = (...args: A): R => this.#transact(() => fn(...args));
    return Object.assign(run, { deferred: run, immediate: run, exclusive: run });
  }

  /** Commits by other connections since this one opened (PRAGMA data_version's meaning). */
  changesByOthers(): number {
    const row = this.#conn.query('SELECT version FROM charon_data_version WHERE id = 1').rows[0];
    return Number(row?.[0] ?? 0) - this.#ownBumps;
  }

  close(): void {
    if (!this.#open) return;
    this.#open = false;
    this.#conn.close();
  }

  /** @internal A statement's run: a write (counted for data_version), in a transaction of its own if none is open. */
  runStatement(statement: PgStatementText, params: Params): QueryResult {
    return this.#write(() => this.#conn.query(statement.text, params));
  }

  /** @internal A read. */
  readStatement(statement: PgStatementText, params: Params): QueryResult {
    this.#setSavepoints();
    return this.#conn.query(statement.text, params);
  }

  #write(fn: () => QueryResult): QueryResult {
    if (this.#depth === 0) return this.#transact(() => this.#write(fn));
    this.#wrote = true;
    this.#setSavepoints();
    return fn();
  }

  #transact<R>(fn: () => R): R {
    const q = (text: string): void => void this.#conn.query(text);
    if (this.#depth > 0) {
      // A savepoint is set only once a statement runs inside it (with any pending outer ones, in
      // one round trip), and never released: COMMIT ends them all, and a later savepoint of the
      // same name shadows it, so ROLLBACK TO always reaches the innermost open one.
      const savepoint = { name: `s${this.#depth}`, set: false, virtual: false };
      this.#savepoints.push(savepoint);
      this.#depth++;
      try {
        return fn();
      } catch (error) {
        if (savepoint.virtual) this.#restart();
        else if (savepoint.set) q(`ROLLBACK TO SAVEPOINT ${savepoint.name}`);
        throw error;
      } finally {
        this.#depth--;
        this.#savepoints.pop();
      }
    }
    this.#depth = 1;
    this.#wrote = false;
    this.#statements = 0;
    try {
      q(`BEGIN; SELECT pg_advisory_xact_lock(${WRITER_LOCK})`);
      const result = fn();
      q(this.#wrote ? 'UPDATE charon_data_version SET version = version + 1 WHERE id = 1; COMMIT' : 'COMMIT');
      if (this.#wrote) this.#ownBumps++;
      return result;
    } catch (error) {
      try {
        q('ROLLBACK');
      } catch {
        // The connection is gone: so is the transaction.
      }
      throw error;
    } finally {
      this.#depth = 0;
      this.#savepoints.length = 0;
    }
  }

  /**
   * Sets the savepoints a statement is about to run inside, in one round trip. Before the
   * transaction's first statement none is needed: rolling back to it is rolling the transaction
   * back and beginning again (nothing of it had run), so those stay virtual.
   */
  #setSavepoints(): void {
    const pending = this.#savepoints.filter((s) => !s.set);
    if (pending.length > 0) {
      if (this.#statements > 0) this.#conn.query(pending.map((s) => `SAVEPOINT ${s.name}`).join('; '));
      for (const s of pending) {
        s.set = true;
        s.virtual = this.#statements === 0;
      }
    }
    if (this.#depth > 0) this.#statements++;
  }

  /** Back to the state right after BEGIN (a virtual savepoint's rollback). */
  #restart(): void {
    this.#conn.query(`ROLLBACK; BEGIN; SELECT pg_advisory_xact_lock(${WRITER_LOCK})`);
    this.#statements = 0;
    this.#wrote = false;
  }
}

/** A prepared statement with better-sqlite3's methods and modes (pluck, raw, safeIntegers). */
export class PgStatement {
  #db: PgDatabase;
  #sql: PgStatementText;
  #pluck = false;
  #raw = false;
  #safeIntegers = false;

  constructor(db: PgDatabase, sql: PgStatementText) {
    this.#db = db;
    this.#sql = sql;
  }

  pluck(on = true): this {
    this.#pluck = on;
    if (on) this.#raw = false;
    return this;
  }

  raw(on = true): this {
    this.#raw = on;
    if (on) this.#pluck = false;
    return this;
  }

  safeIntegers(on = true): this {
    this.#safeIntegers = on;
    return this;
  }

  run(...args: unknown[]): { changes: number; lastInsertRowid: number } {
    return { changes: this.#db.runStatement(this.#sql, this.#bind(args)).rowCount, lastInsertRowid: 0 };
  }

  get(...args: unknown[]): unknown {
    return this.all(...args)[0];
  }

  all(...args: unknown[]): unknown[] {
    const result = this.#db.readStatement(this.#sql, this.#bind(args));
    return result.rows.map((row) => this.#shape(result, row));
  }

  iterate(...args: unknown[]): IterableIterator<unknown> {
    return this.all(...args)[Symbol.iterator]();
  }

  #bind(args: unknown[]): Params {
    const names = this.#sql.names;
    if (names) {
      const named = (args[0] ?? {}) as Record<string, unknown>;
      return names.map((name) => {
        if (!(name in named)) throw new RangeError(`Missing named parameter "${name}"`);
        return value(named[name]);
      });
    }
    return args.flat().map(value);
  }

  #shape(result: QueryResult, row: unknown[]): unknown {
    const cells = row.map((cell, i) => column(cell, (result.fields[i] as readonly [string, number])[1], this.#safeIntegers));
    if (this.#pluck) return cells[0];
    if (this.#raw) return cells;
    const object: Record<string, unknown> = {};
    result.fields.forEach(([name], i) => (object[name] = cells[i]));
    return object;
  }
}

/**
 * Postgres text cannot hold U+0000, which SQLite stores (a tool name an attacker sent, kept in
 * the audit record of its refusal). Such text is stored escaped, U+0001 being the escape: the
 * mapping is one-to-one, so equality on escaped values is equality on the originals.
 */
const ESCAPE = '\u0001';
const escapeText = (text: string): string => (text.includes('\u0000') || text.includes(ESCAPE) ? text.replaceAll(ESCAPE, `${ESCAPE}1`).replaceAll('\u0000', `${ESCAPE}0`) : text);
const ESCAPED = new RegExp(`${ESCAPE}([01])`, 'g');
const unescapeText = (text: string): string => (text.includes(ESCAPE) ? text.replace(ESCAPED, (_m, c: string) => (c === '0' ? '\u0000' : ESCAPE)) : text);

/** Bound as SQLite binds them: BigInt as its digits, undefined as NULL, text escaped. */
function value(v: unknown): unknown {
  if (typeof v === 'string') return escapeText(v);
  if (typeof v === 'bigint') return v.toString();
  return v === undefined ? null : v;
}

const INT8 = 20;
const NUMERIC = 1700;
const BYTEA = 17;
const BOOL = 16;

/** A cell as SQLite gives it: integers as numbers (BigInt with safeIntegers), blobs as Buffers, booleans as 1/0. */
function column(cell: unknown, type: number, safeIntegers: boolean): unknown {
  if (cell === null) return null;
  if (type === INT8 || type === NUMERIC) return safeIntegers && /^-?\d+$/.test(cell as string) ? BigInt(cell as string) : Number(cell);
  if (type === BYTEA) return Buffer.from(cell as Uint8Array);
  if (type === BOOL) return cell ? 1 : 0;
  return typeof cell === 'string' ? unescapeText(cell) : cell;
}
