// httpFetch against a real loopback server: JSON read whole, SSE delivered as it arrives, aborts
// that end the request, and one long-lived signal shared by many requests never piling up listeners.
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getEventListeners } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpFetch } from './http-fetch.js';

let server: Server;
let base: string;
let openStream: ServerResponse | null = null;
const closedRequests: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    req.once('close', () => closedRequests.push(req.url ?? ''));
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      if (req.url === '/json') return res.writeHead(201, { 'content-type': 'application/json', 'x-seen': `${req.method} ${req.headers['x-test']} ${body}` }).end('{"ok":true}');
      if (req.url === '/accepted') return res.writeHead(202).end();
      if (req.url === '/sse') {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write('data: one\n\n');
        openStream = res;
        return;
      }
      if (req.url === '/hold') return void res.writeHead(200, { 'content-type': 'text/event-stream' }).write(': open\n\n');
      if (req.url === '/slow') return setTimeout(() => res.writeHead(200).end('late'), 150);
      res.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('httpFetch', () => {
  it('sends method, headers and body; reads a JSON answer whole with its status and headers', async () => {
    const res = await httpFetch(`${base}/json`, { method: 'POST', headers: new Headers({ 'x-test': 'h' }), body: 'payload' });
    expect(res.status).toBe(201);
    expect(res.headers.get('x-seen')).toBe('POST h payload');
    expect(await res.json()).toEqual({ ok: true });
    const accepted = await httpFetch(`${base}/accepted`, { method: 'POST', body: '{}' });
    expect(accepted.status).toBe(202);
    expect(await accepted.text()).toBe('');
  });

  it('hands out an SSE stream as it arrives: the first event is readable while the server still holds the stream open', async () => {
    const res = await httpFetch(`${base}/sse`);
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toBe('data: one\n\n');
    openStream?.end('data: two\n\n');
    expect(new TextDecoder().decode((await reader.read()).value)).toBe('data: two\n\n');
    expect((await reader.read()).done).toBe(true);
  });

  it('an abort ends the request on the wire and rejects with the reason', async () => {
    const controller = new AbortController();
    const pending = httpFetch(`${base}/slow`, { signal: controller.signal });
    setTimeout(() => controller.abort(new Error('agent gave up')), 20);
    await expect(pending).rejects.toThrow('agent gave up');
    await expect.poll(() => closedRequests.includes('/slow')).toBe(true);
    await expect(httpFetch(`${base}/json`, { signal: controller.signal })).rejects.toThrow('agent gave up');
  });

  it('streams held open (one GET per MCP session) never starve a request: 80 open, the next call is answered', async () => {
    const streams = await Promise.all(Array.from({ length: 80 }, () => httpFetch(`${base}/hold`)));
    expect(streams.every((r) => r.status === 200)).toBe(true);
    const res = await httpFetch(`${base}/json`, { method: 'POST', body: 'after 80 streams' });
    expect(res.headers.get('x-seen')).toBe('POST undefined after 80 streams');
    await Promise.all(streams.map((r) => r.body?.cancel()));
  });

  it('60 requests in flight on one long-lived signal add one abort listener to it, not 60', async () => {
    const connection = new AbortController();
    const requests = Array.from({ length: 60 }, () => httpFetch(`${base}/slow`, { signal: connection.signal }));
    expect(getEventListeners(connection.signal, 'abort')).toHaveLength(1);
    expect((await Promise.all(requests)).map((r) => r.status)).toEqual(Array(60).fill(200));
    const after = await httpFetch(`${base}/json`, { signal: connection.signal });
    expect(after.status).toBe(201);
    expect(getEventListeners(connection.signal, 'abort')).toHaveLength(1);
  });
});
