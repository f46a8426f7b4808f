/**
 * One listener per caller signal, fanning out to the requests in flight on it: with many
 * concurrent requests on one connection, per-request listeners would trip Node's
 * MaxListenersExceededWarning (and, on Node 20, fetch's own listeners pile up too).
 */
const inFlight = new WeakMap<AbortSignal, Set<(reason: unknown) => void>>();

/** Runs `onAbort` when `outer` aborts, until the returned unlink runs. */
export function linkAbort(outer: AbortSignal, onAbort: (reason: unknown) => void): () => void {
  let set = inFlight.get(outer);
  if (!set) {
    const members = new Set<(reason: unknown) => void>();
    set = members;
    inFlight.set(outer, members);
    outer.addEventListener('abort', () => {
      for (const abort of members) abort(outer.reason);
      members.clear();
    }, { once: true });
  }
  set.add(onAbort);
  const members = set;
  return () => void members.delete(onAbort);
}
