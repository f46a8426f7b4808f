// The SDK's Streamable HTTP client transport hands every fetch of a connection the same
// AbortSignal (the connection's). Node's fetch adds an abort listener to that signal per request
// and drops it only when the request is garbage-collected, so a client calling all day piles
// listeners onto one signal (MaxListenersExceededWarning past 1,500, and the requests' memory
// held until a full collection). Here each request gets a signal of its own that follows the
// connection's (through one listener for all requests on it, core/abort-link.ts) while the request
// lives: until its response body is read to the end, cancelled or failed. Closing the connection
// still aborts everything in flight.
import { linkAbort } from './abort-link.js';

/** Statuses whose responses have no body (a Response with one of them cannot be given one). */
const NULL_BODY: ReadonlySet<number> = new Set([101, 103, 204, 205, 304]);

/** `inner` (Node's fetch), giving each request its own signal that follows `init.signal` while the request lives. */
export function perRequestSignalFetch(inner: typeof fetch): typeof fetch {
  return async (input, init) => {
    const outer = init?.signal;
    if (!outer) return inner(input, init);
    outer.throwIfAborted();
    const own = new AbortController();
    const unlink = linkAbort(outer, (reason) => own.abort(reason));
    let response: Response;
    try {
      response = await inner(input, { ...init, signal: own.signal });
    } catch (error) {
      unlink();
      throw error;
    }
    // No body, or an empty one: nothing is left to abort.
    if (response.body === null || NULL_BODY.has(response.status) || response.headers.get('content-length') === '0') {
      unlink();
      return response;
    }
    // The body is read after fetch resolves (an SSE stream for a long while): the link lasts until
    // it ends, is cancelled, or fails (a failed source cancels the transform too).
    const body = response.body.pipeThrough(new TransformStream<Uint8Array, Uint8Array>({ flush: unlink, cancel: unlink }));
    return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
  };
}
