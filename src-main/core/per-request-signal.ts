// The SDK's Streamable HTTP client transport hands every fetch of a connection the same
// AbortSignal (the connection's). Node's fetch adds an abort listener to that signal per request
// and drops it only when the request is garbage-collected, so a gateway calling a remote server
// all day piles listeners onto one signal (MaxListenersExceededWarning past 1,500, and the
// requests' memory held until a full collection). Here each request gets a signal of its own
// that follows the connection's, linked while the request lives: until its response body is
// read to the end, cancelled or failed. Closing the connection still aborts everything in flight.

/** Statuses whose responses have no body (a Response with one of them cannot be given one). */
const NULL_BODY: ReadonlySet<number> = new Set([101, 103, 204, 205, 304]);

/** `inner` (Node's fetch, or one that adds a DPoP proof), giving each request its own signal that follows `init.signal` while the request lives. */
export function perRequestSignalFetch(inner: typeof fetch): typeof fetch {
  return async (input, init) => {
    const parent = init?.signal;
    if (!parent || parent.aborted) return inner(input, init);
    const own = new AbortController();
    const follow = (): void => own.abort(parent.reason);
    parent.addEventListener('abort', follow, { once: true });
    const unlink = (): void => parent.removeEventListener('abort', follow);
    let response: Response;
    try {
      response = await inner(input, { ...init, signal: own.signal });
    } catch (error) {
      unlink();
      throw error;
    }
    // No body, or an empty one (a 202 to a notification): nothing is left to abort.
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
