import { createRequire } from 'node:module';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { CharonError } from '../../core/errors.js';

// The repositories and the services above them are synchronous, as SQLite is: a read inside a
// transaction is a function call, and a transaction is one run of code that nothing interleaves
// with. A Postgres connection keeps that shape: the `pg` driver runs in a worker thread and this
// thread waits for each answer (Atomics.wait), as it waits for SQLite's disk reads. One
// connection per process, one statement at a time.
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { Client, types } = require(workerData.pgModule);
const flag = new Int32Array(workerData.flag);
const port = workerData.port;
// int8 and numeric come back as text (the waiting thread turns them into numbers or BigInts), and
// JSON as the text it was: SQLite hands both over that way.
const raw = (value) => value;
const RAW = new Set([20, 1700, 114, 3802]);
const client = new Client({ connectionString: workerData.url, application_name: 'charon', types: { getTypeParser: (oid, format) => (RAW.has(oid) ? raw : types.getTypeParser(oid, format)) } });
let lost = null;
client.on('error', (error) => { lost = error; });
const ready = client.connect();
// Statements with parameters are prepared once per connection (parsed and planned once).
const names = new Map();
const nameOf = (text) => {
  let name = names.get(text);
  if (!name) names.set(text, (name = 'c' + names.size));
  return name;
};
const reply = (message) => {
  port.postMessage(message);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
};
port.on('message', async (m) => {
  try {
    await ready;
    if (lost) throw lost;
    if (m.close) {
      await client.end();
      reply({ ok: true, fields: [], rows: [], rowCount: 0 });
      port.close();
      return;
    }
    const r = m.values ? await client.query({ name: nameOf(m.text), text: m.text, values: m.values, rowMode: 'array' }) : await client.query({ text: m.text, rowMode: 'array' });
    const last = Array.isArray(r) ? r[r.length - 1] : r;
    reply({ ok: true, fields: last.fields.map((f) => [f.name, f.dataTypeID]), rows: last.rows, rowCount: last.rowCount ?? 0 });
  } catch (error) {
    reply({ ok: false, code: error && error.code, message: String((error && error.message) || error) });
  }
});
`;

export interface QueryResult {
  /** Column names and Postgres type OIDs, in order. */
  readonly fields: readonly (readonly [string, number])[];
  readonly rows: unknown[][];
  readonly rowCount: number;
}

/** A Postgres error as the driver reported it: `code` is the SQLSTATE. */
export class PgError extends Error {
  constructor(
    readonly code: string | undefined,
    message: string,
  ) {
    super(message);
    this.name = 'PgError';
  }
}

export interface SyncConnection {
  /** Runs one statement; values bind $1..$n (none: the simple protocol, several statements allowed). */
  query(text: string, values?: readonly unknown[]): QueryResult;
  close(): void;
}

const unavailable = (cause: Error): CharonError => new CharonError('ERR_STORE_UNAVAILABLE', `The Postgres store is out of reach: ${cause.message}`, { cause });

/** A statement that takes longer than this is given up on (the connection is then unusable). */
const ANSWER_TIMEOUT_MS = 30_000;

export function openSyncConnection(url: string): SyncConnection {
  const pgModule = createRequire(import.meta.url).resolve('pg');
  const shared = new SharedArrayBuffer(4);
  const flag = new Int32Array(shared);
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { url, pgModule, flag: shared, port: port2 }, transferList: [port2] });
  worker.unref();
  port1.unref();
  let broken: Error | null = null;
  let closed = false;

  const ask = (port: MessagePort, message: unknown): QueryResult => {
    if (broken) throw unavailable(broken);
    Atomics.store(flag, 0, 0);
    port.postMessage(message);
    if (Atomics.wait(flag, 0, 0, ANSWER_TIMEOUT_MS) === 'timed-out') {
      broken = new Error(`no answer within ${ANSWER_TIMEOUT_MS} ms`);
      void worker.terminate();
      throw new CharonError('ERR_STORE_BUSY', 'The database did not answer in time; try again.');
    }
    const answer = receiveMessageOnPort(port)?.message as ({ ok: true } & QueryResult) | { ok: false; code?: string; message: string } | undefined;
    if (!answer) throw new CharonError('ERR_INTERNAL', 'The Postgres worker answered nothing');
    if (!answer.ok) {
      const error = new PgError(answer.code, answer.message);
      // Without a SQLSTATE the connection itself failed (refused, reset, ended): nothing more will work on it.
      if (answer.code === undefined || answer.code.startsWith('08') || answer.code.startsWith('57P')) {
        broken = error;
        throw unavailable(error);
      }
      throw error;
    }
    return answer;
  };

  return {
    query: (text, values) => ask(port1, values ? { text, values } : { text }),
    close() {
      if (closed) return;
      closed = true;
      try {
        if (!broken) ask(port1, { close: true });
      } catch {
        // Closing a connection that is already gone.
      } finally {
        port1.close();
        void worker.terminate();
      }
    },
  };
}
