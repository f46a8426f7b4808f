import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { CallToolResult, CompleteRequest, CompleteResult, ServerCapabilities, GetPromptResult, Prompt, ReadResourceResult, Resource, ResourceTemplate, Tool } from '@modelcontextprotocol/sdk/types.js';
import { serverConfigSchema, serverNameSchema, type ServerConfig, type ServerImportDto, type ServerStatusDto } from '../../../src-shared/mcp-servers.js';
import type { AuditLog } from '../../audit/audit-log.js';
import { canonicalJson } from '../../core/canonical-json.js';
import { systemClock, type Clock } from '../../core/clock.js';
import { CharonError } from '../../core/errors.js';
import type { McpServerRecord, McpServerRepository, Transactor } from '../../core/ports.js';
import { DEFAULT_BACKOFF } from './backoff.js';
import { DEFAULT_CLIENT_CAPABILITIES, type DownstreamNotificationListener, type DownstreamRequestHandler } from './client-hooks.js';
import { DownstreamConnection, type CallOptions, type ConnectionOptions } from './downstream-connection.js';
import { unavailable } from './downstream-errors.js';
import { DEFAULT_HEALTH } from './health-check.js';
import { readClientConfig } from './import-file.js';
import { collectPages } from './paginate.js';
import { systemTimers, type Timers } from './timers.js';

export type DownstreamOptions = ConnectionOptions;
// What the agent-facing side needs, from one place.
export type { CallOptions } from './downstream-connection.js';
export type { DownstreamNotification, DownstreamNotificationListener, DownstreamRequest, DownstreamRequestExtra, DownstreamRequestHandler } from './client-hooks.js';

export const DEFAULT_DOWNSTREAM_OPTIONS: DownstreamOptions = {
  connectTimeoutMs: 30_000,
  requestTimeoutMs: 60_000,
  maxTotalTimeoutMs: 600_000,
  backoff: DEFAULT_BACKOFF,
  health: DEFAULT_HEALTH,
  capabilities: DEFAULT_CLIENT_CAPABILITIES,
  clientInfo: { name: 'charon-gateway', version: '0.1.0' },
};

export interface DownstreamManagerDeps {
  readonly repo: McpServerRepository;
  /** With `audit`: configuration changes are recorded in the audit chain, atomically with the change. */
  readonly tx?: Transactor;
  readonly audit?: AuditLog;
  readonly clock?: Clock;
  readonly timers?: Timers;
  readonly options?: Partial<DownstreamOptions>;
  /** Changes when another connection commits: cached configs are re-read then (a change by the CLI). */
  readonly dataVersion?: () => number;
  /** Charon's approval of a config as it is set (app/server-approval.ts); none: rows carry no approval. */
  readonly approve?: (name: string, config: ServerConfig) => string;
  /** Whether a stored server may be started: a launched process needs a valid approval (DESIGN invariant 12). */
  readonly launchable?: (record: McpServerRecord) => boolean;
}

/**
 * The gateway's downstream side: the configured MCP servers (persisted in the store), one
 * DownstreamConnection each, started on first use. The configuration in the store is the truth:
 * each use re-reads it, so a change made by another process (the CLI) takes effect on next use.
 */
export class DownstreamManager {
  readonly #d: DownstreamManagerDeps;
  readonly #options: DownstreamOptions;
  readonly #clock: Clock;
  readonly #timers: Timers;
  readonly #connections = new Map<string, DownstreamConnection>();
  readonly #requestHandlers = new Map<string, DownstreamRequestHandler>();
  #anyRequest: ((server: string, ...args: Parameters<DownstreamRequestHandler>) => ReturnType<DownstreamRequestHandler>) | null = null;
  readonly #listeners = new Set<DownstreamNotificationListener>();
  /** Resource URIs subscribed to per server: subscribed again whenever the server (re)starts. */
  readonly #subscribed = new Map<string, Set<string>>();
  #closed = false;
  /** Configs read from the store, valid while the data version stays the same (hot path: every call). */
  readonly #records = new Map<string, McpServerRecord | null>();
  #recordsVersion: number | undefined;

  constructor(deps: DownstreamManagerDeps) {
    this.#d = deps;
    this.#options = { ...DEFAULT_DOWNSTREAM_OPTIONS, ...deps.options };
    this.#clock = deps.clock ?? systemClock;
    this.#timers = deps.timers ?? systemTimers;
  }

  // ---- Configuration ------------------------------------------------------------------

  names(): string[] {
    return this.#d.repo.list().map((r) => r.name);
  }

  has(name: string): boolean {
    return this.#record(name) !== null;
  }

  status(): ServerStatusDto[] {
    return this.#d.repo.list().map((r) => this.#statusOf(r.name, r.config));
  }

  statusOf(name: string): ServerStatusDto {
    const record = this.#d.repo.get(name);
    if (!record) throw notFound(name);
    return this.#statusOf(name, record.config);
  }

  /** Adds or replaces a server. A running server restarts with the new config; a stopped one stays stopped until used. */
  async set(name: string, config: ServerConfig, actor = 'operator', source?: string): Promise<ServerStatusDto> {
    const checkedName = serverNameSchema.safeParse(name);
    const checked = serverConfigSchema.safeParse(config);
    if (!checkedName.success || !checked.success) throw new CharonError('ERR_INVALID_INPUT', `invalid server ${checkedName.success ? 'config' : 'name'}`);
    this.#change(() => {
      this.#d.repo.upsert(name, checked.data, this.#clock.now(), this.#d.approve?.(name, checked.data) ?? null);
      this.#records.delete(name);
      this.#d.audit?.append({ actor, kind: 'server.set', subject: name, decision: 'allow', details: { ...describeConfig(checked.data), ...(source ? { source } : {}) } });
    });
    const old = this.#connections.get(name);
    if (old) {
      const wasActive = old.active;
      this.#connections.delete(name);
      await old.stop();
      // Restart in the background: the operator gets the new status now, the server comes up as it may.
      if (wasActive && !this.#closed) void this.#connectionFor(name).client().catch(() => undefined);
    }
    return this.statusOf(name);
  }

  /**
   * Stops the server and starts it again with the same (approved) config, now: the status
   * returned says whether it came up (a failure is in `lastError`, not thrown).
   */
  async restart(name: string, actor = 'operator'): Promise<ServerStatusDto> {
    if (!this.has(name)) throw notFound(name);
    this.#change(() => this.#d.audit?.append({ actor, kind: 'server.restart', subject: name, decision: 'allow' }));
    const old = this.#connections.get(name);
    this.#connections.delete(name);
    await old?.stop();
    await this.#use(name).client().catch(() => undefined);
    return this.statusOf(name);
  }

  /** Stops the server (killing its process) and forgets its config. */
  async remove(name: string, actor = 'operator'): Promise<void> {
    this.#change(() => {
      this.#records.delete(name);
      if (!this.#d.repo.delete(name)) throw notFound(name);
      this.#d.audit?.append({ actor, kind: 'server.remove', subject: name, decision: 'allow' });
    });
    const old = this.#connections.get(name);
    this.#connections.delete(name);
    await old?.stop();
  }

  /**
   * Imports the servers of an MCP client's config file (Claude Desktop, Cursor, VS Code).
   * Invalid entries, and existing names unless `overwrite`, are skipped and reported, not fatal.
   */
  /** What an import of `path` would set: the entries it would import, before anything is written. */
  async importPlan(path: string, overwrite: boolean): Promise<{ name: string; config: ServerConfig }[]> {
    const parsed = await readClientConfig(path);
    return parsed.servers.filter(({ name }) => overwrite || !this.has(name));
  }

  async importFrom(path: string, overwrite: boolean, actor = 'operator'): Promise<ServerImportDto> {
    const parsed = await readClientConfig(path);
    const imported: ServerStatusDto[] = [];
    const skipped = [...parsed.skipped];
    for (const { name, config } of parsed.servers) {
      if (!overwrite && this.has(name)) {
        skipped.push({ name, reason: 'a server with this name exists (import with overwrite to replace it)' });
        continue;
      }
      imported.push(await this.set(name, config, actor, path));
    }
    this.#d.audit?.append({ actor, kind: 'server.import', subject: path, decision: 'allow', details: { imported: imported.map((s) => s.name), skipped } });
    return { imported, skipped };
  }

  // ---- Hooks for the agent-facing side ----------------------------------------------------

  /** Every notification any downstream sends (logging, list_changed, resources/updated, …). Returns an unsubscribe. */
  onNotification(listener: DownstreamNotificationListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Who answers `name`'s sampling / elicitation (/ roots) requests; null restores the default refusal. */
  onRequest(name: string, handler: DownstreamRequestHandler | null): void {
    if (handler) this.#requestHandlers.set(name, handler);
    else this.#requestHandlers.delete(name);
  }

  /** Who answers requests of servers without a handler of their own (the gateway: the calling agent). */
  onAnyRequest(handler: (server: string, ...args: Parameters<DownstreamRequestHandler>) => ReturnType<DownstreamRequestHandler>): void {
    this.#anyRequest = handler;
  }

  // ---- Using a server ------------------------------------------------------------------

  /** The connected SDK client for `name`, starting the server if needed (within the connect timeout). */
  async connection(name: string): Promise<Client> {
    return this.#use(name).client();
  }

  async listTools(name: string, call?: CallOptions): Promise<Tool[]> {
    const conn = this.#use(name);
    return conn.request('tools/list', async (client, options) => {
      const tools = await collectPages(async (cursor) => {
        const page = await client.listTools(cursor === undefined ? {} : { cursor }, options);
        return { items: page.tools, nextCursor: page.nextCursor };
      });
      conn.noteToolCount(tools.length);
      return tools;
    }, call);
  }

  async callTool(name: string, tool: string, args: Record<string, unknown> = {}, call?: CallOptions): Promise<CallToolResult> {
    return this.#use(name).request('tools/call', async (client, options) => (await client.callTool({ name: tool, arguments: args }, undefined, options)) as CallToolResult, call);
  }

  async listResources(name: string, call?: CallOptions): Promise<Resource[]> {
    return this.#use(name).request('resources/list', (client, options) =>
      collectPages(async (cursor) => {
        const page = await client.listResources(cursor === undefined ? {} : { cursor }, options);
        return { items: page.resources, nextCursor: page.nextCursor };
      }), call);
  }

  async listResourceTemplates(name: string, call?: CallOptions): Promise<ResourceTemplate[]> {
    return this.#use(name).request('resources/templates/list', (client, options) =>
      collectPages(async (cursor) => {
        const page = await client.listResourceTemplates(cursor === undefined ? {} : { cursor }, options);
        return { items: page.resourceTemplates, nextCursor: page.nextCursor };
      }), call);
  }

  async readResource(name: string, uri: string, call?: CallOptions): Promise<ReadResourceResult> {
    return this.#use(name).request('resources/read', (client, options) => client.readResource({ uri }, options), call);
  }

  async listPrompts(name: string, call?: CallOptions): Promise<Prompt[]> {
    return this.#use(name).request('prompts/list', (client, options) =>
      collectPages(async (cursor) => {
        const page = await client.listPrompts(cursor === undefined ? {} : { cursor }, options);
        return { items: page.prompts, nextCursor: page.nextCursor };
      }), call);
  }

  async getPrompt(name: string, prompt: string, args: Record<string, string> = {}, call?: CallOptions): Promise<GetPromptResult> {
    return this.#use(name).request('prompts/get', (client, options) => client.getPrompt({ name: prompt, arguments: args }, options), call);
  }

  async complete(name: string, params: CompleteRequest['params'], call?: CallOptions): Promise<CompleteResult> {
    return this.#use(name).request('completion/complete', (client, options) => client.complete(params, options), call);
  }

  /**
   * What `name` declared at initialize, starting it if needed; within `timeoutMs`, else what it
   * declared when it last ran (null if it never did). Never throws: a server that is down offers nothing now.
   */
  async capabilitiesOf(name: string, timeoutMs: number): Promise<ServerCapabilities | null> {
    let connection: DownstreamConnection;
    try {
      connection = this.#use(name);
    } catch {
      return null;
    }
    const started = connection.client().then((c) => c.getServerCapabilities() ?? null, () => null);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), timeoutMs)));
    const found = await Promise.race([started, late]).finally(() => clearTimeout(timer));
    return found ?? connection.lastCapabilities;
  }

  /**
   * Subscribes to updates of `uri` on `name` (once, however many agents ask: the caller counts),
   * and again after every restart of the server, until unsubscribed.
   */
  async subscribeResource(name: string, uri: string, call?: CallOptions): Promise<void> {
    await this.#use(name).request('resources/subscribe', (client, options) => client.subscribeResource({ uri }, options), call);
    let uris = this.#subscribed.get(name);
    if (!uris) this.#subscribed.set(name, (uris = new Set()));
    uris.add(uri);
  }

  async unsubscribeResource(name: string, uri: string, call?: CallOptions): Promise<void> {
    const uris = this.#subscribed.get(name);
    if (!uris?.delete(uri)) return;
    if (uris.size === 0) this.#subscribed.delete(name);
    // A server that is not running holds no subscription to end.
    const connection = this.#connections.get(name);
    if (connection?.running) await connection.request('resources/unsubscribe', (client, options) => client.unsubscribeResource({ uri }, options), call);
  }

  /** The stdio child's pid while `name` runs; null otherwise (diagnostics, tests). */
  pidOf(name: string): number | null {
    return this.#connections.get(name)?.pid ?? null;
  }

  /** Stops every server and kills every child; later use fails with ERR_DOWNSTREAM_UNAVAILABLE. */
  async close(): Promise<void> {
    this.#closed = true;
    const all = [...this.#connections.values()];
    this.#connections.clear();
    await Promise.all(all.map((c) => c.stop()));
  }

  // ---- Internals -------------------------------------------------------------------------

  #use(name: string): DownstreamConnection {
    if (this.#closed) throw unavailable(name, 'the gateway is shutting down');
    return this.#connectionFor(name);
  }

  /** The connection for the stored config; a config changed elsewhere replaces a stale connection. */
  #record(name: string): McpServerRecord | null {
    const version = this.#d.dataVersion?.();
    if (version === undefined || version !== this.#recordsVersion) {
      this.#records.clear();
      this.#recordsVersion = version;
    }
    let record = this.#records.get(name);
    if (record === undefined) {
      record = this.#d.repo.get(name);
      // Without a data version nothing tells us of another process's change: always re-read.
      if (version !== undefined) this.#records.set(name, record);
    }
    return record;
  }

  #connectionFor(name: string): DownstreamConnection {
    const record = this.#record(name);
    const existing = this.#connections.get(name);
    if (existing && (!record || (existing.config !== record.config && canonicalJson(existing.config) !== canonicalJson(record.config)))) {
      this.#connections.delete(name);
      void existing.stop();
    } else if (existing) {
      return existing;
    }
    if (!record) throw notFound(name);
    if (this.#d.launchable && !this.#d.launchable(record)) {
      throw new CharonError('ERR_SERVER_NOT_APPROVED', `server '${name}' launches a program that was not added through Charon with the owner's passkey: nothing is started; add it again from the console`);
    }
    const connection = new DownstreamConnection({
      name,
      config: record.config,
      options: this.#options,
      clock: this.#clock,
      timers: this.#timers,
      requestHandler: () => this.#requestHandlers.get(name) ?? this.#routeAny(name),
      subscriptions: () => [...(this.#subscribed.get(name) ?? [])],
      notify: (notification) => {
        for (const listener of this.#listeners) listener(name, notification);
      },
    });
    this.#connections.set(name, connection);
    return connection;
  }

  #routeAny(name: string): DownstreamRequestHandler | undefined {
    const any = this.#anyRequest;
    return any ? (request, extra) => any(name, request, extra) : undefined;
  }

  #statusOf(name: string, config: ServerConfig): ServerStatusDto {
    const connection = this.#connections.get(name);
    if (connection && canonicalJson(connection.config) === canonicalJson(config)) return connection.status();
    return { name, config, state: 'stopped', restarts: 0, lastError: null, toolCount: null, startedAt: null };
  }

  #change(fn: () => void): void {
    if (this.#d.tx) this.#d.tx.transact(fn);
    else fn();
  }
}

const notFound = (name: string) => new CharonError('ERR_NOT_FOUND', `no downstream server named '${name}'`);

/** What the audit record says about a config: enough to recognise it, never env values or header values (they hold secrets). */
function describeConfig(config: ServerConfig): Record<string, unknown> {
  if ('url' in config) {
    const url = new URL(config.url);
    return { transport: 'http', url: `${url.origin}${url.pathname}`, headerNames: Object.keys(config.headers) };
  }
  return { transport: 'stdio', command: config.command, argCount: config.args.length, envNames: Object.keys(config.env), ...(config.cwd ? { cwd: config.cwd } : {}) };
}
