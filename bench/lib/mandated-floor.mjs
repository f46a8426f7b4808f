// The floor under Charon's path: only the steps every call through it must take, each done the
// cheapest way there is, with none of Charon's code. The agent's SDK Client over a minimal
// Streamable HTTP transport (node:http, a fresh ES256 DPoP proof per request); a server that
// reads the body, verifies the proof's signature, commits the call's record and the proof's jti
// to a SQLite file (WAL, the same group commit per turn as Charon, two indexes), writes the call
// to its own stdio child as one JSON-RPC line and answers with the child's result as JSON.
// What it leaves out is what Charon adds: credential and identity checks, the rest of the DPoP
// checks, Cedar, the envelope, the hash-chained record, MCP session rules, the SDK on the server.
// It tells how far the targets are from what the protocol and the machine allow.
import { spawn } from 'node:child_process';
import { generateKeyPairSync, randomUUID, sign, verify, createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, createServer, request } from 'node:http';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';

/** A stdio MCP server spoken to in raw JSON-RPC lines. */
async function rawStdio(downstream) {
  const child = spawn(downstream.command, downstream.args, { stdio: ['pipe', 'pipe', 'ignore'] });
  const pending = new Map();
  let buffered = '';
  let nextId = 1;
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (data) => {
    buffered += data;
    for (let end = buffered.indexOf('\n'); end >= 0; end = buffered.indexOf('\n')) {
      const message = JSON.parse(buffered.slice(0, end));
      buffered = buffered.slice(end + 1);
      pending.get(message.id)?.(message);
      pending.delete(message.id);
    }
  });
  const call = (method, params) =>
    new Promise((resolve) => {
      const id = nextId++;
      pending.set(id, resolve);
      child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', id, method, params })}\n`);
    });
  const initialized = await call('initialize', { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'bench-floor', version: '1.0.0' } });
  child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' })}\n`);
  const exited = new Promise((resolve) => child.once('exit', resolve));
  return { call, initializeResult: initialized.result, close: () => (child.kill(), exited) };
}

/** The record of each call and its proof's jti, committed together, one commit per event-loop turn. */
function recordStore(dir) {
  const db = new Database(join(dir, 'floor.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(`CREATE TABLE records (seq INTEGER PRIMARY KEY, time INTEGER NOT NULL, kind TEXT NOT NULL, subject TEXT NOT NULL, digest TEXT NOT NULL);
    CREATE INDEX records_kind ON records(kind, seq); CREATE INDEX records_subject ON records(subject, seq);
    CREATE TABLE proofs (jti TEXT PRIMARY KEY, expires_at INTEGER NOT NULL) WITHOUT ROWID;`);
  const insertRecord = db.prepare('INSERT INTO records (time, kind, subject, digest) VALUES (?, ?, ?, ?)');
  const insertProof = db.prepare('INSERT INTO proofs (jti, expires_at) VALUES (?, ?)');
  const commitAll = db.transaction((items) => {
    for (const item of items) {
      insertProof.run(item.jti, Date.now() + 60_000);
      insertRecord.run(Date.now(), 'gateway.decision', 'bench-floor', createHash('sha256').update(item.body).digest('hex'));
    }
  });
  let queue = [];
  return {
    commit: (jti, body) =>
      new Promise((resolve, reject) => {
        queue.push({ jti, body, resolve, reject });
        if (queue.length > 1) return;
        setImmediate(() => {
          const items = queue;
          queue = [];
          try {
            commitAll(items);
            for (const item of items) item.resolve();
          } catch (error) {
            for (const item of items) item.reject(error);
          }
        });
      }),
    close: () => db.close(),
  };
}

/** The floor's server and the agent's client to it; `op` is one echo call. */
export async function startMandatedFloor({ downstream, root }) {
  const dir = mkdtempSync(join(root, 'charon-bench-floor-'));
  const child = await rawStdio(downstream);
  const records = recordStore(dir);
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const header = Buffer.from(JSON.stringify({ typ: 'dpop+jwt', alg: 'ES256', jwk: publicKey.export({ format: 'jwk' }) })).toString('base64url');
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', async () => {
      try {
        const body = Buffer.concat(chunks).toString('utf8');
        const message = JSON.parse(body);
        const proof = String(req.headers.dpop ?? '');
        const dot = proof.lastIndexOf('.');
        if (!verify('sha256', Buffer.from(proof.slice(0, dot)), { key: publicKey, dsaEncoding: 'ieee-p1363' }, Buffer.from(proof.slice(dot + 1), 'base64url'))) return void res.writeHead(401).end();
        if (message.id === undefined) return void res.writeHead(202).end();
        let result;
        if (message.method === 'initialize') result = child.initializeResult;
        else {
          const claims = JSON.parse(Buffer.from(proof.slice(header.length + 1, dot), 'base64url').toString('utf8'));
          await records.commit(claims.jti, body);
          result = (await child.call(message.method, message.params)).result;
        }
        const answer = JSON.stringify({ jsonrpc: '2.0', id: message.id, result });
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(answer) }).end(answer);
      } catch {
        res.writeHead(500).end();
      }
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = server.address().port;
  const htu = `http://127.0.0.1:${port}/mcp`;
  const agent = new Agent({ keepAlive: true });
  /** The minimal client transport: POST each message with a fresh proof, deliver the JSON answer. */
  const transport = {
    async start() {},
    async close() {
      agent.destroy();
    },
    async send(message) {
      const payload = Buffer.from(JSON.stringify({ jti: randomUUID(), htm: 'POST', htu, iat: Math.floor(Date.now() / 1000) })).toString('base64url');
      const input = `${header}.${payload}`;
      const proof = `${input}.${sign('sha256', Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
      const answer = await new Promise((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port, path: '/mcp', method: 'POST', agent, headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', dpop: proof } }, (res) => {
          const chunks = [];
          res.on('data', (chunk) => chunks.push(chunk));
          res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString('utf8') }));
        });
        req.once('error', reject);
        req.end(JSON.stringify(message));
      });
      if (answer.status === 202) return;
      if (answer.status !== 200) throw new Error(`floor server answered ${answer.status}`);
      this.onmessage?.(JSON.parse(answer.body));
    },
  };
  const client = new Client({ name: 'bench-floor', version: '1.0.0' });
  await client.connect(transport);
  return {
    client,
    async close() {
      await client.close().catch(() => undefined);
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await child.close();
      records.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
