import type { ServerResponse } from 'node:http';
import { SSE_HEADERS, writeSseMessage } from '../sse.js';


/**
 * The response of one modern request: a single `application/json` body, unless a notification
 * about it (progress, a log line) must go first; then an SSE stream that the response ends. A
 * closed stream is the client's cancellation (2026-07-28 transport § Cancellation).
 */
export class ResponseStream {
  #streaming = false;
  #ended = false;

  constructor(
    readonly res: ServerResponse,
    readonly id: string | number,
  ) {}

  /** The response was sent (by us, not cut off by the client). */
  get sent(): boolean {
    return this.#ended;
  }

  /** The client went away, or the response was sent. */
  get closed(): boolean {
    return this.#ended || this.res.destroyed || this.res.writableEnded;
  }

  notify(method: string, params: Record<string, unknown>): void {
    if (this.closed) return;
    this.#openStream();
    this.#event({ jsonrpc: '2.0', method, params });
  }

  result(result: Record<string, unknown>): void {
    this.#finish({ jsonrpc: '2.0', id: this.id, result }, 200);
  }

  error(status: number, code: number, message: string, data?: Record<string, unknown>): void {
    this.#finish({ jsonrpc: '2.0', id: this.id, error: { code, message, ...(data ? { data } : {}) } }, status);
  }

  #openStream(): void {
    if (this.#streaming) return;
    this.#streaming = true;
    this.res.writeHead(200, SSE_HEADERS);
    this.res.flushHeaders();
  }

  #event(message: unknown): void {
    writeSseMessage(this.res, message);
  }

  #finish(message: unknown, status: number): void {
    if (this.closed) return;
    this.#ended = true;
    if (this.#streaming) {
      this.#event(message);
      this.res.end();
      return;
    }
    const body = JSON.stringify(message);
    this.res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store' }).end(body);
  }
}
