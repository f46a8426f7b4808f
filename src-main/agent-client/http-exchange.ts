import { Agent, request, type IncomingHttpHeaders, type IncomingMessage, type RequestOptions } from 'node:http';
import { Agent as TlsAgent, request as tlsRequest } from 'node:https';
import { urlToHttpOptions } from 'node:url';
import { boundedMemo } from '../core/bounded-memo.js';
import { linkAbort } from '../core/abort-link.js';

/**
 * Connections to the agent listener are reused: one TCP handshake per connection, not per call.
 * No cap on open sockets: every MCP session holds one for its GET stream, and a cap would leave a
 * process with many sessions waiting for a socket that never frees.
 */
const keepAlive = new Agent({ keepAlive: true, maxFreeSockets: 64 });
/** The same over TLS, one pool per trusted CA (a remote Charon's own CA, or the system's when none is given). */
const tlsPools = new Map<string, TlsAgent>();
const tlsPool = (ca: string | undefined): TlsAgent => {
  let pool = tlsPools.get(ca ?? '');
  if (!pool) tlsPools.set(ca ?? '', (pool = new TlsAgent({ keepAlive: true, maxFreeSockets: 64, ...(ca ? { ca } : {}) })));
  return pool;
};

/**
 * What node:http makes of a URL string (urlToHttpOptions, exactly as `request(url)` does),
 * remembered: an agent sends every MCP message to the same URL, and parsing it again on each
 * request is a measurable share of a call.
 */
const targetOf = boundedMemo(64, (url: string): RequestOptions => urlToHttpOptions(new URL(url)));

export interface HttpExchangeRequest {
  readonly method: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  /** Ends the request (and an SSE answer's stream) when it aborts. */
  readonly signal?: AbortSignal;
  /** For an https listener: the CA certificate (PEM) to trust instead of the system's. */
  readonly ca?: string;
}

/** An answer read whole, or, for `text/event-stream`, its body as a stream still arriving. */
export interface HttpExchangeReply {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  /** The whole body; empty for a stream. */
  readonly body: Buffer;
  /** The SSE body as it arrives; null unless the answer is `text/event-stream`. */
  readonly stream: IncomingMessage | null;
}

/**
 * One request to the agent listener (plain HTTP on loopback, TLS on a remote one), nothing more: no web streams,
 * Headers or Response objects per call (Node's fetch builds several, a large share of an
 * agent's CPU per MCP call). A request stays linked to the caller's signal only until its
 * answer ends (see `linkAbort`), so a long-lived signal never accumulates listeners.
 */
export function httpExchange(url: string, init: HttpExchangeRequest): Promise<HttpExchangeReply> {
  const signal = init.signal;
  return new Promise<HttpExchangeReply>((resolve, reject) => {
    signal?.throwIfAborted();
    const target = targetOf(url);
    const req = url.startsWith('https:')
      ? tlsRequest({ ...target, method: init.method, headers: init.headers, agent: tlsPool(init.ca) })
      : request({ ...target, method: init.method, headers: init.headers, agent: keepAlive });
    let answer: IncomingMessage | null = null;
    // Once an answer is streaming (SSE), aborting ends that stream, as Node has a response ended:
    // destroying the request instead can reach a keep-alive socket with no request listening to it.
    const onAbort = (reason: unknown): void => void (answer ? answer.destroy() : req.destroy(reason instanceof Error ? reason : new DOMException('The operation was aborted', 'AbortError')));
    const done = signal ? linkAbort(signal, onAbort) : () => undefined;
    req.once('error', (error) => {
      done();
      reject(error);
    });
    req.once('response', (res) => {
      const status = res.statusCode ?? 500;
      if ((res.headers['content-type'] ?? '').startsWith('text/event-stream')) {
        answer = res;
        res.once('close', done);
        resolve({ status, headers: res.headers, body: Buffer.alloc(0), stream: res });
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
        resolve({ status, headers: res.headers, body: chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks), stream: null });
      });
    });
    req.end(init.body);
  });
}
