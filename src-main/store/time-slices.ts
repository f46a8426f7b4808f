// A long time-ordered read in slices of the time range, each read whole (`all()`): better-sqlite3's
// iterate() crosses into native code and allocates an iterator result per row, which cost the
// reaper's window scan about a third of its time. A slice's length adapts so that it holds about
// ROWS_PER_SLICE rows: a busy log is read in short slices, a quiet one in few long ones.

/** Rows a slice aims at: enough to spread a statement's cost, few enough to stay young garbage. */
const ROWS_PER_SLICE = 2048;
/** The first slice's length (ms). */
const FIRST_SLICE_MS = 3_600_000;

/**
 * Calls `read(from, to)` for consecutive slices `from <= time < to` covering `since <= time <= until`
 * (times are integers), in order; `read` returns how many rows its slice held.
 */
export function readInSlices(since: number, until: number, read: (from: number, to: number) => number): void {
  const end = Math.floor(until) + 1;
  let step = FIRST_SLICE_MS;
  for (let from = since; from < end; ) {
    const to = Math.min(from + step, end);
    const rows = read(from, to);
    // Towards the target, at most doubling or halving per slice (a burst does not shrink it at once).
    step = Math.max(1, Math.round(step * Math.min(2, Math.max(0.5, ROWS_PER_SLICE / Math.max(rows, 1)))));
    from = to;
  }
}
