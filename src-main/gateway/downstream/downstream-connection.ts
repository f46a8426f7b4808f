import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { RequestOptions } from '@modelcontextprotocol/sdk/shared/protocol.js';
import type { ClientCapabilities, Progress, ServerCapabilities } from '@modelcontextprotocol/sdk/types.js';
import type { ServerConfig, ServerState, ServerStatusDto } from '../../../src-shared/mcp-servers.js';
import type { Clock } from '../../core/clock.js';
import { raceAbort } from './abort.js';
import { Backoff, type BackoffOptions } from './backoff.js';
import { installHooks, type DownstreamNotification, type DownstreamRequestHandler } from './client-hooks.js';
import { mapRequestError, unavailable } from './downstream-errors.js';
import { HealthCheck, type HealthCheckOptions } from './health-check.js';
import { collectPages } from './paginate.js';
import { deliverProgressBeforeResults } from './progress-order.js';
import type { TimerHandle, Timers } from './timers.js';
import { lastLine, openTransport, type OpenedTransport } from './transport.js';

export interface ConnectionOptions {
  /** Spawn (or reach) the server and complete `initialize` within this. */
  readonly connectTimeoutMs: number;
  /** Default per-request timeout: a hung server yields ERR_DOWNSTREAM_TIMEOUT, never a hang. */
  readonly requestTimeoutMs: number;
  /** With progress notifications each one restarts the request timeout, but never beyond this. */
  readonly maxTotalTimeoutMs: number;
  readonly backoff: BackoffOptions;
  readonly health: HealthCheckOptions;
  readonly capabilities: ClientCapabilities;
  readonly clientInfo: { readonly name: string; readonly version: string };
}

export interface ConnectionDeps {
  readonly name: string;
  readonly config: ServerConfig;
  readonly options: ConnectionOptions;
  readonly clock: Clock;
  readonly timers: Timers;
  readonly requestHandler: () => DownstreamRequestHandler | undefined;
  readonly notify: (notification: DownstreamNotification) => void;
  /** Resource URIs agents are subscribed to: a fresh server process is subscribed to them again. */
  readonly subscriptions?: () => readonly string[];
}

export interface CallOptions {
  readonly signal?: AbortSignal;
  readonly onprogress?: (progress: Progress) => void;
  /** Overrides the default per-request timeout. */
  readonly timeoutMs?: number;
}

interface Live {
  readonly client: Client;
  readonly opened: OpenedTransport;
  readonly generation: number;
  readonly since: number;
  readonly health: HealthCheck;
}

interface PendingRestart {
  readonly timer: TimerHandle;
  readonly delayMs: number;
  readonly done: Promise<Client>;
  resolve(client: Client): void;
  reject(error: unknown): void;
}

/**
 * One downstream server and the single SDK client the gateway holds for it. Started on first
 * use; restarted with backoff when it dies; stopped for good by `stop()` (a changed config gets
 * a new DownstreamConnection). Every await that can outlive a stop checks the generation, so a
 * connection that finishes starting after a stop is closed instead of leaking a process.
 */
export class DownstreamConnection {
  readonly name: string;
  readonly config: ServerConfig;
  readonly #d: ConnectionDeps;
  readonly #backoff: Backoff;
  #state: ServerState = 'stopped';
  #generation = 0;
  #live: Live | null = null;
  #starting: Promise<Live> | null = null;
  #restart: PendingRestart | null = null;
  #stopped = false;
  #restarts = 0;
  #lastError: string | null = null;
  #toolCount: number | null = null;
  #startedAt: number | null = null;
  #capabilities: ServerCapabilities | null = null;

  constructor(deps: ConnectionDeps) {
    this.#d = deps;
    this.name = deps.name;
    this.config = deps.config;
    this.#backoff = new Backoff(deps.options.backoff);
  }

  /** What the server declared when it last ran; null if it never did. */
  get lastCapabilities(): ServerCapabilities | null {
    return this.#capabilities;
  }

  get running(): boolean {
    return this.#live !== null;
  }

  get active(): boolean {
    return this.#state === 'running' || this.#state === 'starting' || this.#state === 'backoff';
  }

  /** The child's pid while a stdio server runs (for diagnostics and tests). */
  get pid(): number | null {
    return this.#live?.opened.pid() ?? null;
  }

  status(): ServerStatusDto {
    return { name: this.name, config: this.config, state: this.#state, restarts: this.#restarts, lastError: this.#lastError, toolCount: this.#toolCount, startedAt: this.#startedAt };
  }

  noteToolCount(count: number | null): void {
    this.#toolCount = count;
  }

  /** The connected client, starting the server if needed. */
  async client(): Promise<Client> {
    if (this.#stopped) throw unavailable(this.name, 'it was stopped');
    if (this.#live) return this.#live.client;
    if (this.#starting) return (await this.#starting).client;
    if (this.#restart) {
      // Waiting for a restart due soon beats failing; a long backoff (a crash loop) fails fast.
      if (this.#restart.delayMs <= this.#d.options.connectTimeoutMs) return this.#restart.done;
      throw unavailable(this.name, `it crashed (${this.#lastError ?? 'unknown reason'}); next restart in up to ${this.#restart.delayMs} ms`);
    }
    const live = await this.#startOnce();
    // Someone asked for it and it came up: a fresh restart budget, even after `failed`.
    this.#backoff.reset();
    return live.client;
  }

  /** Runs one request on the live client with a timeout, mapping failures to typed errors. */
  async request<T>(method: string, run: (client: Client, options: RequestOptions) => Promise<T>, call: CallOptions = {}): Promise<T> {
    call.signal?.throwIfAborted();
    const timeoutMs = call.timeoutMs ?? this.#d.options.requestTimeoutMs;
    const client = await raceAbort(this.client(), call.signal);
    const options: RequestOptions = {
      signal: call.signal,
      timeout: timeoutMs,
      ...(call.onprogress ? { onprogress: call.onprogress, resetTimeoutOnProgress: true, maxTotalTimeout: this.#d.options.maxTotalTimeoutMs } : {}),
    };
    try {
      return await run(client, options);
    } catch (error) {
      throw mapRequestError(this.name, method, error, call.signal, timeoutMs, () => (this.#stopped ? 'it was stopped' : (this.#lastError ?? 'the connection closed')));
    }
  }

  /** Stops the server for good: cancels a pending restart and kills the child. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#generation++;
    this.#cancelRestart(unavailable(this.name, 'it was stopped'));
    const live = this.#live;
    const starting = this.#starting;
    this.#live = null;
    this.#state = 'stopped';
    this.#startedAt = null;
    if (live) await this.#dispose(live);
    // A start in flight sees the new generation and disposes of what it opened; wait for that,
    // so no child outlives stop().
    if (starting) await starting.catch(() => undefined);
  }

  #startOnce(): Promise<Live> {
    const starting = this.#start().finally(() => {
      if (this.#starting === starting) this.#starting = null;
    });
    this.#starting = starting;
    return starting;
  }

  async #start(): Promise<Live> {
    const generation = ++this.#generation;
    this.#state = 'starting';
    const opened = openTransport(this.config);
    const client = new Client({ ...this.#d.options.clientInfo }, { capabilities: this.#d.options.capabilities });
    installHooks(client, { server: this.name, capabilities: this.#d.options.capabilities, handler: this.#d.requestHandler, notify: (n) => this.#onNotification(n) });
    let badOutput: string | null = null;
    let closedEarly = false;
    // The SDK reports lines on stdout that are not JSON-RPC here and carries on; remember the
    // last one, since "it printed garbage" is the real reason a start then times out.
    client.onerror = (error) => {
      if (/JSON|Unexpected token|invalid_union|ZodError/i.test(`${error.name} ${error.message}`)) badOutput = error.message.slice(0, 200);
    };
    client.onclose = () => {
      if (this.#live?.generation === generation) this.#lost(generation, this.#exitReason(opened));
      else closedEarly = true;
    };
    try {
      await client.connect(opened.transport, { timeout: this.#d.options.connectTimeoutMs });
      if (closedEarly) throw new Error('the connection closed right after initialize');
      deliverProgressBeforeResults(opened.transport);
    } catch (error) {
      await this.#dispose({ client, opened });
      const why = this.#startFailure(error, opened, badOutput);
      if (generation === this.#generation) {
        this.#state = 'failed';
        this.#lastError = why;
      }
      throw unavailable(this.name, why, error);
    }
    if (generation !== this.#generation) {
      await this.#dispose({ client, opened });
      throw unavailable(this.name, 'it was stopped while starting');
    }
    const since = this.#d.clock.now();
    const health = new HealthCheck(this.#d.options.health, this.#d.timers, (timeout) => client.ping({ timeout }), (why) => this.#lost(generation, `health check failed: ${why}`, true));
    const live: Live = { client, opened, generation, since, health };
    this.#live = live;
    this.#state = 'running';
    this.#startedAt = since;
    this.#capabilities = client.getServerCapabilities() ?? null;
    void this.#countTools(live);
    void this.#resubscribe(live);
    return live;
  }

  #startFailure(error: unknown, opened: OpenedTransport, badOutput: string | null): string {
    const message = error instanceof Error ? error.message : String(error);
    const stderr = lastLine(opened.stderrTail());
    const parts = [/timed out/i.test(message) ? `no answer to initialize within ${this.#d.options.connectTimeoutMs} ms` : `start failed: ${message}`];
    if (badOutput !== null) parts.push(`it wrote output that is not JSON-RPC to stdout (${badOutput})`);
    if (stderr) parts.push(`stderr: ${stderr}`);
    return parts.join('; ');
  }

  #exitReason(opened: OpenedTransport): string {
    const stderr = lastLine(opened.stderrTail());
    const what = 'command' in this.config ? 'the server process exited' : 'the connection to the server closed';
    return stderr ? `${what} (stderr: ${stderr})` : what;
  }

  /** The live connection is gone (closed, or unhealthy): record why and restart with backoff. */
  #lost(generation: number, why: string, unhealthy = false): void {
    const live = this.#live;
    if (!live || live.generation !== generation || this.#stopped) return;
    this.#live = null;
    this.#startedAt = null;
    this.#lastError = why;
    this.#backoff.connectionEnded(this.#d.clock.now() - live.since);
    // An unhealthy process may still be alive but deaf to the polite shutdown: kill it outright.
    void this.#dispose(live, unhealthy);
    this.#scheduleRestart();
  }

  #scheduleRestart(): void {
    if (this.#backoff.exhausted) {
      this.#state = 'failed';
      return;
    }
    const delayMs = this.#backoff.nextDelay();
    this.#state = 'backoff';
    let resolve!: (client: Client) => void;
    let reject!: (error: unknown) => void;
    const done = new Promise<Client>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    // Nobody may be waiting; an unobserved rejection must not crash the process.
    done.catch(() => undefined);
    const timer = this.#d.timers.setTimeout(() => void this.#runRestart(), delayMs);
    this.#restart = { timer, delayMs, done, resolve, reject };
  }

  async #runRestart(): Promise<void> {
    const pending = this.#restart;
    if (!pending || this.#stopped) return;
    this.#restart = null;
    this.#restarts++;
    try {
      pending.resolve((await this.#startOnce()).client);
    } catch (error) {
      pending.reject(error);
      if (!this.#stopped) this.#scheduleRestart();
    }
  }

  #cancelRestart(reason: unknown): void {
    if (!this.#restart) return;
    this.#d.timers.clearTimeout(this.#restart.timer);
    this.#restart.reject(reason);
    this.#restart = null;
  }

  #onNotification(notification: DownstreamNotification): void {
    if (notification.method === 'notifications/tools/list_changed') {
      const live = this.#live;
      if (live) void this.#countTools(live);
    }
    this.#d.notify(notification);
  }

  /** A restarted server knows of no subscription: each is made again (best effort; a failure shows in lastError). */
  async #resubscribe(live: Live): Promise<void> {
    const uris = this.#d.subscriptions?.() ?? [];
    if (uris.length === 0 || !live.client.getServerCapabilities()?.resources?.subscribe) return;
    for (const uri of uris) {
      try {
        await live.client.subscribeResource({ uri }, { timeout: this.#d.options.requestTimeoutMs });
      } catch (error) {
        if (this.#live === live) this.#lastError = `subscribing again to ${uri} failed: ${error instanceof Error ? error.message : String(error)}`;
      }
    }
  }

  /** Keeps `toolCount` in status current; best effort, a failure just leaves it unknown. */
  async #countTools(live: Live): Promise<void> {
    if (!live.client.getServerCapabilities()?.tools) return this.noteToolCount(0);
    try {
      const tools = await collectPages(async (cursor) => {
        const page = await live.client.listTools(cursor === undefined ? {} : { cursor }, { timeout: this.#d.options.requestTimeoutMs });
        return { items: page.tools, nextCursor: page.nextCursor };
      });
      if (this.#live === live) this.noteToolCount(tools.length);
    } catch {
      if (this.#live === live) this.noteToolCount(null);
    }
  }

  /**
   * Closes the client and makes sure the child is gone. The SDK closes stdin, then sends SIGTERM,
   * then SIGKILL (the MCP stdio shutdown sequence); the final check covers a child that ignored all
   * of that, so nothing we started outlives us.
   */
  async #dispose(live: Pick<Live, 'client' | 'opened'> & { health?: HealthCheck }, force = false): Promise<void> {
    live.health?.stop();
    const pid = live.opened.pid();
    if (force && pid !== null) killQuietly(pid);
    await live.client.close().catch(() => undefined);
    if (pid !== null && isAlive(pid)) killQuietly(pid);
  }
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // It exited in between: nothing to do.
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
