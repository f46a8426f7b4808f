import { Agent, request, type IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { linkAbort } from './abort-link.js';

/**
 * Connections to the agent listener are reused: one TCP handshake per connection, not per call.
 * No cap on open sockets: every MCP session holds one for its GET stream, and a cap would leave a
 * process with many sessions waiting for a socket that never frees.
 */
const keepAlive = new Agent({ keepAlive: true, maxFreeSockets: 64 });

/**
 * `fetch` for plain-HTTP (loopback) URLs on node:http. Node's fetch (undici) builds web streams,
 * a tee and an AbortSignal chain per request: at MCP call rates that is a large share of an
 * agent's CPU per call. Here a JSON or empty body is read whole into the Response; only an SSE
 * stream is exposed as a stream. A request is linked to the caller's signal until its response
 * ends (see `linkAbort`): a long-lived signal (the MCP SDK's transport keeps one per connection)
 * never accumulates listeners.
 */
export function httpFetch(url: string, init: RequestInit = {}): Promise<Response> {
  const signal = init.signal ?? undefined;
  return new Promise<Response>((resolve, reject) => {
    signal?.throwIfAborted();
    const req = request(url, { method: init.method ?? 'GET', headers: Object.fromEntries(new Headers(init.headers)), agent: keepAlive });
    const onAbort = (reason: unknown): void => void req.destroy(reason instanceof Error ? reason : new DOMException('The operation was aborted', 'AbortError'));
    const done = signal ? linkAbort(signal, onAbort) : () => undefined;
    req.once('error', (error) => {
      done();
      reject(error);
    });
    req.once('response', (res) => {
      const headers = responseHeaders(res);
      const status = res.statusCode ?? 500;
      const streaming = (res.headers['content-type'] ?? '').startsWith('text/event-stream');
      if (streaming) {
        res.once('close', done);
        resolve(new Response(Readable.toWeb(res) as ReadableStream<Uint8Array>, { status, headers }));
        return;
      }
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.once('error', (error) => {
        done();
        reject(error);
      });
      res.once('end', () => {
        done();
        const body = NULL_BODY.has(status) ? null : Buffer.concat(chunks);
        resolve(new Response(body, { status, headers }));
      });
    });
    if (typeof init.body === 'string') req.end(init.body);
    else if (init.body === undefined || init.body === null) req.end();
    else {
      req.destroy();
      reject(new TypeError('httpFetch sends string bodies only'));
    }
  });
}

/** Statuses a Response may not carry a body with. */
const NULL_BODY = new Set([101, 103, 204, 205, 304]);

function responseHeaders(res: IncomingMessage): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(res.headers)) {
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else if (value !== undefined) headers.set(name, value);
  }
  return headers;
}
