// Node's fetch on a real loopback server, with one signal for many requests as the SDK's Streamable
// HTTP client transport passes it: through perRequestSignalFetch the shared signal holds one
// listener however many requests ran or run at once, a request done is no longer linked to it, and
// aborting it still stops a response being streamed.
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
  it('holds one listener however many requests ran, where plain fetch leaves one per request', async () => {
    const plain = new AbortController();
    for (let i = 0; i < 20; i++) await (await fetch(`${base}/json`, { signal: plain.signal })).json();
    // The failure this guards against: Node's fetch drops its listener only when the request is collected.
    expect(listeners(plain.signal)).toBeGreaterThan(0);

    const fetchOwn = perRequestSignalFetch(fetch);
    const shared = new AbortController();
    for (let i = 0; i < 300; i++) {
      const response = await fetchOwn(`${base}/json`, { method: 'POST', body: '{}', signal: shared.signal });
      expect(await response.json()).toEqual({ ok: true });
      expect(listeners(shared.signal)).toBe(1);
    }
    // Many at once (the gateway's calls to one remote server): still one.
    const batch = await Promise.all(Array.from({ length: 64 }, () => fetchOwn(`${base}/json`, { method: 'POST', body: '{}', signal: shared.signal })));
    expect(listeners(shared.signal)).toBe(1);
    await Promise.all(batch.map((r) => r.json()));
    expect((await fetchOwn(`${base}/empty`, { signal: shared.signal })).status).toBe(202);
    // As the SDK's client cancels a 202's body.
    await (await fetchOwn(`${base}/accepted`, { method: 'POST', body: '{}', signal: shared.signal })).body?.cancel();
    expect(listeners(shared.signal)).toBe(1);
  });

  it('keeps the link while a streamed body is read, and aborting the connection stops it', async () => {
    const shared = new AbortController();
    const response = await perRequestSignalFetch(fetch)(`${base}/stream`, { signal: shared.signal });
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toContain('"first":true');
    shared.abort(new Error('connection closed'));
    await expect(reader.read()).rejects.toThrow('connection closed');
    expect(listeners(shared.signal)).toBe(0);
  });

  it('lets go of a request when its body is read, cancelled or it fails: aborting later reaches none of them', async () => {
    const shared = new AbortController();
    // Node's fetch, watched: the signal each request carries.
    const own: AbortSignal[] = [];
    const fetchOwn = perRequestSignalFetch((input, init) => {
      if (init?.signal) own.push(init.signal);
      return fetch(input, init);
    });
    expect(await (await fetchOwn(`${base}/json`, { signal: shared.signal })).json()).toEqual({ ok: true });
    const response = await fetchOwn(`${base}/stream`, { signal: shared.signal });
    await (response.body as ReadableStream<Uint8Array>).cancel();
    // Nothing listens on the port a closed server had.
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    await expect(fetchOwn(`http://127.0.0.1:${port}/`, { signal: shared.signal })).rejects.toThrow();
    // A fourth, still streaming when the connection closes, is aborted; the three let go of are not.
    const open = await fetchOwn(`${base}/stream`, { signal: shared.signal });
    shared.abort(new Error('connection closed'));
    const reader = (open.body as ReadableStream<Uint8Array>).getReader();
    // Read past what had arrived before the abort: the stream then fails with the connection's reason.
    await expect((async () => { for (;;) if ((await reader.read()).done) return 'ended'; })()).rejects.toThrow('connection closed');
    expect(own.map((s) => s.aborted)).toEqual([false, false, false, true]);
  });

  it('passes a request without a signal, or with one already aborted, straight through', async () => {
    const fetchOwn = perRequestSignalFetch(fetch);
    expect(await (await fetchOwn(`${base}/json`)).json()).toEqual({ ok: true });
    await expect(fetchOwn(`${base}/json`, { signal: AbortSignal.abort(new Error('gone')) })).rejects.toThrow('gone');
  });
});
