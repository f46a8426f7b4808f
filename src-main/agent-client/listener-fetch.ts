import { linkAbort } from './abort-link.js';
import { httpFetch } from './http-fetch.js';

/** Fetch for Charon's listener: node:http for plain-HTTP (loopback) URLs, the platform fetch otherwise. */
export function listenerFetch(url: string, init: RequestInit): Promise<Response> {
  return url.startsWith('http:') ? httpFetch(url, init) : platformFetch(url, init);
}

/** A platform fetch whose AbortSignal lives exactly as long as this one request (see `CharonAgent.fetch`). */
async function platformFetch(url: string, init: RequestInit): Promise<Response> {
  const outer = init.signal;
  if (!outer) return fetch(url, init);
  outer.throwIfAborted();
  const own = new AbortController();
  const unlink = linkAbort(outer, (reason) => own.abort(reason));
  let response: Response;
  try {
    response = await fetch(url, { ...init, signal: own.signal });
  } catch (error) {
    unlink();
    throw error;
  }
  const body = response.body;
  if (!body) {
    unlink();
    return response;
  }
  // The body may be read long after (an SSE stream): keep the link until it ends, fails or is cancelled.
  const reader = body.getReader();
  const tracked = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (done) {
          unlink();
          controller.close();
        } else {
          controller.enqueue(value);
        }
      } catch (error) {
        unlink();
        controller.error(error);
      }
    },
    cancel(reason) {
      unlink();
      return reader.cancel(reason);
    },
  });
  return new Response(tracked, { status: response.status, statusText: response.statusText, headers: response.headers });
}
