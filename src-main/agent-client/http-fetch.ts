import { Readable } from 'node:stream';
import type { IncomingHttpHeaders } from 'node:http';
import { httpExchange } from './http-exchange.js';

/**
 * `fetch` for plain-HTTP (loopback) URLs on node:http (see `httpExchange`): a JSON or empty body
 * is read whole into the Response; only an SSE stream is exposed as a stream.
 */
export async function httpFetch(url: string, init: RequestInit = {}): Promise<Response> {
  if (init.body !== undefined && init.body !== null && typeof init.body !== 'string') throw new TypeError('httpFetch sends string bodies only');
  const reply = await httpExchange(url, { method: init.method ?? 'GET', headers: Object.fromEntries(new Headers(init.headers)), ...(typeof init.body === 'string' ? { body: init.body } : {}), ...(init.signal ? { signal: init.signal } : {}) });
  const headers = responseHeaders(reply.headers);
  if (reply.stream) return new Response(Readable.toWeb(reply.stream) as ReadableStream<Uint8Array>, { status: reply.status, headers });
  return new Response(NULL_BODY.has(reply.status) ? null : reply.body, { status: reply.status, headers });
}

/** Statuses a Response may not carry a body with. */
const NULL_BODY = new Set([101, 103, 204, 205, 304]);

function responseHeaders(raw: IncomingHttpHeaders): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(raw)) {
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else if (value !== undefined) headers.set(name, value);
  }
  return headers;
}
