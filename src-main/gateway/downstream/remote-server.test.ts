// A remote (Streamable HTTP) downstream: the gateway's own connection carries exactly the
// configured headers, so nothing of the agent's (its token above all) reaches the server.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { z } from 'zod';
import { openSqliteStore, type Store } from '../../store/sqlite-store.js';
import { DownstreamManager } from './downstream-manager.js';

let http: Server;
let url: string;
const seen: IncomingHttpHeaders[] = [];
let dir: string;
let store: Store;
let manager: DownstreamManager;

beforeAll(async () => {
  // Stateless Streamable HTTP: a fresh server and transport per request, as the SDK documents.
  http = createServer((req, res) => {
    seen.push(req.headers);
    const server = new McpServer({ name: 'remote', version: '1.0.0' });
    server.registerTool('add', { inputSchema: { a: z.number(), b: z.number() } }, async ({ a, b }) => ({ content: [{ type: 'text', text: String(a + b) }] }));
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    res.on('close', () => void transport.close());
    void server.connect(transport).then(() => transport.handleRequest(req, res));
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp`;
  dir = mkdtempSync(join(tmpdir(), 'charon-remote-'));
  store = openSqliteStore(join(dir, 'charon.db'));
  manager = new DownstreamManager({ repo: store.mcpServers, options: { connectTimeoutMs: 5000, requestTimeoutMs: 5000 } });
});

afterAll(async () => {
  await manager.close();
  store.close();
  rmSync(dir, { recursive: true, force: true });
  await new Promise((resolve) => http.close(resolve));
});

it('lists and calls tools over Streamable HTTP, sending only the configured headers', async () => {
  await manager.set('remote', { url, headers: { 'X-Api-Key': 'configured-key' } });
  expect((await manager.listTools('remote')).map((t) => t.name)).toEqual(['add']);
  const result = await manager.callTool('remote', 'add', { a: 2, b: 3 });
  expect(result.content).toEqual([{ type: 'text', text: '5' }]);
  expect(manager.statusOf('remote')).toMatchObject({ state: 'running', toolCount: 1 });

  const posts = seen.filter((h) => h['content-type'] === 'application/json');
  expect(posts.length).toBeGreaterThanOrEqual(3);
  for (const headers of posts) {
    expect(headers['x-api-key']).toBe('configured-key');
    expect(headers.authorization).toBeUndefined();
    expect(headers.cookie).toBeUndefined();
    expect(headers.dpop).toBeUndefined();
  }
});

it("gives every request to a remote server a signal of its own, so the connection's collects no listener per call", async () => {
  // Node's fetch, watched: the signal each request of the gateway's connection carries.
  const signals: AbortSignal[] = [];
  const realFetch = globalThis.fetch;
  globalThis.fetch = (input, init) => {
    if (init?.signal) signals.push(init.signal);
    return realFetch(input, init);
  };
  try {
    await manager.set('remote-signals', { url, headers: {} });
    for (let i = 0; i < 20; i++) expect((await manager.callTool('remote-signals', 'add', { a: i, b: 1 })).content).toEqual([{ type: 'text', text: String(i + 1) }]);
  } finally {
    globalThis.fetch = realFetch;
  }
  expect(signals.length).toBeGreaterThanOrEqual(20);
  expect(new Set(signals).size).toBe(signals.length);
  // Each was let go of when its response was read: none is still linked to the connection.
  expect(signals.every((s) => !s.aborted)).toBe(true);
});
