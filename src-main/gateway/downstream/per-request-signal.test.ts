// Node's fetch on a real loopback server, with one signal for many requests as the SDK's Streamable
// HTTP client transport passes it: through perRequestSignalFetch the shared signal holds no
// listener once a request is done, and aborting it still stops a response being streamed.
import { getEventListeners } from 'node:events';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { perRequestSignalFetch } from '../../core/per-request-signal.js';

let server: Server;
let base: string;
const streams = new Set<ServerResponse>();

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/stream') {
      // An SSE response that sends one event and stays open, as a tool call's stream does.
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: {"first":true}\n\n');
      streams.add(res);
      res.on('close', () => streams.delete(res));
      return;
    }
    if (req.url === '/empty') return void res.writeHead(202, { 'content-length': '0' }).end();
    // As the SDK's server answers a notification: chunked, nothing in it.
    if (req.url === '/accepted') return void res.writeHead(202).end();
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const res of streams) res.destroy();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const listeners = (signal: AbortSignal): number => getEventListeners(signal, 'abort').length;

describe('a connection signal shared by many requests', () => {
  it('holds no listener once each request is read, where plain fetch leaves them behind', async () => {
    const plain = new AbortController();
    for (let i = 0; i < 20; i++) await (await fetch(`${base}/json`, { signal: plain.signal })).json();
    // The failure this guards against: Node's fetch drops its listener only when the request is collected.
    expect(listeners(plain.signal)).toBeGreaterThan(0);

    const fetchOwn = perRequestSignalFetch(fetch);
    const shared = new AbortController();
    for (let i = 0; i < 300; i++) {
      const response = await fetchOwn(`${base}/json`, { method: 'POST', body: '{}', signal: shared.signal });
      expect(await response.json()).toEqual({ ok: true });
      expect(listeners(shared.signal)).toBe(0);
    }
    const empty = await fetchOwn(`${base}/empty`, { signal: shared.signal });
    expect(empty.status).toBe(202);
    expect(listeners(shared.signal)).toBe(0);
    // A body that says nothing of its length is linked until read or cancelled, as the SDK's client cancels a 202's.
    const accepted = await fetchOwn(`${base}/accepted`, { method: 'POST', body: '{}', signal: shared.signal });
    expect(listeners(shared.signal)).toBe(1);
    await accepted.body?.cancel();
    expect(listeners(shared.signal)).toBe(0);
  });

  it('keeps the link while a streamed body is read, and aborting the connection stops it', async () => {
    const shared = new AbortController();
    const response = await perRequestSignalFetch(fetch)(`${base}/stream`, { signal: shared.signal });
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toContain('"first":true');
    expect(listeners(shared.signal)).toBe(1);
    shared.abort(new Error('connection closed'));
    await expect(reader.read()).rejects.toThrow();
    expect(listeners(shared.signal)).toBe(0);
  });

  it('lets go when the reader cancels a body or the request fails', async () => {
    const shared = new AbortController();
    const fetchOwn = perRequestSignalFetch(fetch);
    const response = await fetchOwn(`${base}/stream`, { signal: shared.signal });
    await (response.body as ReadableStream<Uint8Array>).cancel();
    expect(listeners(shared.signal)).toBe(0);
    // Nothing listens on the port a closed server had.
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    await expect(fetchOwn(`http://127.0.0.1:${port}/`, { signal: shared.signal })).rejects.toThrow();
    expect(listeners(shared.signal)).toBe(0);
    expect(shared.signal.aborted).toBe(false);
  });

  it('passes a request without a signal, or with one already aborted, straight through', async () => {
    const fetchOwn = perRequestSignalFetch(fetch);
    expect(await (await fetchOwn(`${base}/json`)).json()).toEqual({ ok: true });
    await expect(fetchOwn(`${base}/json`, { signal: AbortSignal.abort(new Error('gone')) })).rejects.toThrow('gone');
  });
});
