export interface BackoffOptions {
  /** Delay before the first restart. */
  readonly initialMs: number;
  /** The delay doubles up to this. */
  readonly maxMs: number;
  /** A connection that stayed up this long counts as healthy again: the next crash restarts after `initialMs`. */
  readonly stableMs: number;
  /** Consecutive failed restarts after which the server is left `failed` until someone uses it again. */
  readonly maxAttempts: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 250, maxMs: 30_000, stableMs: 60_000, maxAttempts: 10 };

/** Exponential backoff for restarting one crashed server. Pure arithmetic: the caller owns clocks and timers. */
export class Backoff {
  readonly #options: BackoffOptions;
  #attempt = 0;

  constructor(options: BackoffOptions) {
    this.#options = options;
  }

  /** Failures since the last stable period. */
  get attempt(): number {
    return this.#attempt;
  }

  get exhausted(): boolean {
    return this.#attempt >= this.#options.maxAttempts;
  }

  /** Called when a connection ends: if it had been up for the stable period, earlier failures are forgotten. */
  connectionEnded(upForMs: number): void {
    if (upForMs >= this.#options.stableMs) this.#attempt = 0;
  }

  /** Records one more failure and returns how long to wait before the next attempt. */
  nextDelay(): number {
    const delay = Math.min(this.#options.maxMs, this.#options.initialMs * 2 ** this.#attempt);
    this.#attempt++;
    return delay;
  }

  reset(): void {
    this.#attempt = 0;
  }
}
