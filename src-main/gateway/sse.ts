import type { ServerResponse } from 'node:http';

/** An SSE response: not cached or transformed, and not buffered by a reverse proxy (X-Accel-Buffering). */
export const SSE_HEADERS = { 'content-type': 'text/event-stream', 'cache-control': 'no-cache, no-transform', 'x-accel-buffering': 'no' } as const;

/** One JSON-RPC message as an SSE `message` event; nothing once the response has ended. */
export function writeSseMessage(res: ServerResponse, message: unknown): void {
  if (!res.writableEnded) res.write(`event: message\ndata: ${JSON.stringify(message)}\n\n`);
}
