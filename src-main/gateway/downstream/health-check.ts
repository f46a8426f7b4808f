import type { Timers, TimerHandle } from './timers.js';

export interface HealthCheckOptions {
  /** Time between pings while the connection is up. */
  readonly intervalMs: number;
  /** A ping slower than this counts as a failure. */
  readonly timeoutMs: number;
  /** Consecutive failures before the server is declared unhealthy: one slow ping on a busy machine is not a crash. */
  readonly failures: number;
}

export const DEFAULT_HEALTH: HealthCheckOptions = { intervalMs: 30_000, timeoutMs: 10_000, failures: 2 };

/**
 * Pings one live connection (MCP `ping`) on an interval. A process that is alive but no longer
 * answers is as useless as a dead one, and only a ping notices it when no agent is calling.
 */
export class HealthCheck {
  readonly #options: HealthCheckOptions;
  readonly #timers: Timers;
  readonly #ping: (timeoutMs: number) => Promise<unknown>;
  readonly #onUnhealthy: (reason: string) => void;
  #timer: TimerHandle | null = null;
  #failures = 0;
  #stopped = false;

  constructor(options: HealthCheckOptions, timers: Timers, ping: (timeoutMs: number) => Promise<unknown>, onUnhealthy: (reason: string) => void) {
    this.#options = options;
    this.#timers = timers;
    this.#ping = ping;
    this.#onUnhealthy = onUnhealthy;
    this.#schedule();
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer) this.#timers.clearTimeout(this.#timer);
    this.#timer = null;
  }

  #schedule(): void {
    if (this.#stopped || this.#options.intervalMs <= 0) return;
    this.#timer = this.#timers.setTimeout(() => void this.#tick(), this.#options.intervalMs);
  }

  async #tick(): Promise<void> {
    this.#timer = null;
    try {
      await this.#ping(this.#options.timeoutMs);
      this.#failures = 0;
    } catch (error) {
      if (this.#stopped) return;
      if (++this.#failures >= this.#options.failures) {
        this.stop();
        this.#onUnhealthy(`no answer to ping (${this.#failures} in a row): ${error instanceof Error ? error.message : String(error)}`);
        return;
      }
    }
    this.#schedule();
  }
}
