// The stdio bridge behind `charon connect`: an MCP server on stdio for clients that only launch
// processes (a desktop chat app's `{"command": …, "args": […]}`), proxying every request to the
// Charon gateway through a CharonAgent (attestation, DPoP proofs, renewal before expiry).
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { RequestHandlerExtra, RequestOptions } from '@modelcontextprotocol/sdk/shared/protocol.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import {
  CallToolRequestSchema,
  CompleteRequestSchema,
  CreateMessageRequestSchema,
  ElicitRequestSchema,
  ErrorCode,
  GetPromptRequestSchema,
  ListPromptsRequestSchema,
  ListResourcesRequestSchema,
  ListResourceTemplatesRequestSchema,
  ListRootsRequestSchema,
  ListToolsRequestSchema,
  LoggingMessageNotificationSchema,
  McpError,
  PromptListChangedNotificationSchema,
  ReadResourceRequestSchema,
  ResourceListChangedNotificationSchema,
  ResourceUpdatedNotificationSchema,
  ResultSchema,
  SetLevelRequestSchema,
  SubscribeRequestSchema,
  ToolListChangedNotificationSchema,
  UnsubscribeRequestSchema,
  type ClientRequest,
  type Result,
  type ServerCapabilities,
  type ServerNotification,
  type ServerRequest,
  type ServerResult,
} from '@modelcontextprotocol/sdk/types.js';
import { CharonRequestError, type CharonAgent } from './charon-agent.js';

/** The gateway's JSON-RPC code for a refused request; the stable Charon code travels in `data.code`. */
export const JSONRPC_REFUSED = -32003;
const JSONRPC_INTERNAL = -32603;

export interface StdioBridgeOptions {
  readonly agent: CharonAgent;
  /** `/mcp` (every server the agent may use, tools prefixed `server__`) or `/mcp/<server>`. */
  readonly path?: string;
  /** Where the MCP client speaks; stdin/stdout of this process by default. */
  readonly transport?: Transport;
  /** Diagnostics; stderr by default (stdout carries the protocol). */
  readonly log?: (message: string) => void;
  /** Renew the credential on a timer, so an idle bridge never lets it lapse (default true). */
  readonly autoRenew?: boolean;
  /** Longest wait for one forwarded request, reset by each progress notification (default one hour). */
  readonly requestTimeoutMs?: number;
  readonly version?: string;
}

export interface StdioBridge {
  /** Resolves once the bridge has stopped (the client went away, or `close()`). */
  readonly closed: Promise<void>;
  close(): Promise<void>;
}

/** A refusal or failure in the shape an MCP client reads: JSON-RPC code, a message that starts with the Charon code, `data.code`. */
export class BridgeError extends Error {
  constructor(
    readonly code: number,
    readonly charonCode: string,
    message: string,
    readonly data: { readonly code: string; readonly message: string; readonly status?: number },
  ) {
    super(`${charonCode}: ${message}`);
    this.name = 'BridgeError';
  }
}

type Extra = RequestHandlerExtra<ServerRequest, ServerNotification>;
interface Forwardable {
  readonly method: string;
  readonly params?: { readonly _meta?: { readonly progressToken?: string | number } & Record<string, unknown> } & Record<string, unknown>;
}

/** Starts the bridge: attests (or renews a held credential), opens a gateway session, then serves the client. */
export async function startStdioBridge(options: StdioBridgeOptions): Promise<StdioBridge> {
  const { agent } = options;
  const path = options.path ?? '/mcp';
  const log = options.log ?? ((message: string) => void process.stderr.write(`charon connect: ${message}\n`));
  const timeout = options.requestTimeoutMs ?? 60 * 60 * 1000;
  const version = options.version ?? '0.1.0';

  try {
    await agent.token();
  } catch (error) {
    throw toBridgeError(error);
  }
  const stopRenewing = options.autoRenew === false ? () => undefined : agent.autoRenew((error) => log(`renewal failed: ${toBridgeError(error).message}`));

  let server: Server | null = null;
  // What a downstream asks through the gateway (sampling, elicitation, roots) goes to the MCP
  // client, if it declared the capability; otherwise it is refused with the reason.
  const ask = async (request: ServerRequest, signal: AbortSignal): Promise<Result> => {
    const caps = server?.getClientCapabilities();
    const needs = request.method === 'sampling/createMessage' ? 'sampling' : request.method === 'elicitation/create' ? 'elicitation' : 'roots';
    if (!server || !caps?.[needs]) throw new McpError(ErrorCode.InvalidRequest, `The MCP client behind charon connect did not declare the ${needs} capability, so ${request.method} cannot be forwarded to it`);
    return server.request(request, ResultSchema, { signal, timeout, resetTimeoutOnProgress: true });
  };
  const upstream = new Upstream(agent, path, version, log, (notification) => {
    server?.notification(notification).catch(() => undefined);
  }, ask);
  let client: Client;
  try {
    client = await upstream.current();
  } catch (error) {
    stopRenewing();
    throw toBridgeError(error);
  }

  const capabilities = mirroredCapabilities(client.getServerCapabilities() ?? {});
  server = new Server({ name: 'charon', version }, { capabilities, ...(client.getInstructions() ? { instructions: client.getInstructions() } : {}) });

  const forward = async (request: Forwardable, extra: Extra): Promise<ServerResult> => {
    const progressToken = request.params?._meta?.progressToken;
    const requestOptions: RequestOptions = {
      signal: extra.signal,
      timeout,
      resetTimeoutOnProgress: true,
      // The SDK puts its own progress token on the forwarded request; progress comes back under the client's.
      ...(progressToken === undefined
        ? {}
        : { onprogress: (p) => void extra.sendNotification({ method: 'notifications/progress', params: { ...p, progressToken } }).catch(() => undefined) }),
    };
    const message = { method: request.method, ...(request.params ? { params: request.params } : {}) } as ClientRequest;
    for (let attempt = 0; ; attempt++) {
      const c = await upstream.current().catch((error: unknown) => {
        throw toBridgeError(error);
      });
      try {
        return (await c.request(message, ResultSchema, requestOptions)) as Result as ServerResult;
      } catch (error) {
        // The gateway dropped the session (idle for long, or restarted): open a new one and try once more.
        // The refused request never reached a tool, so sending it again is safe.
        if (attempt === 0 && !extra.signal.aborted && sessionLost(error)) {
          log('the gateway session ended; opening a new one');
          upstream.reset(c);
          continue;
        }
        throw toBridgeError(error);
      }
    }
  };

  const handle = <S extends Parameters<Server['setRequestHandler']>[0]>(schema: S): void => {
    server?.setRequestHandler(schema, (request, extra) => forward(request as Forwardable, extra));
  };
  if (capabilities.tools) [ListToolsRequestSchema, CallToolRequestSchema].forEach(handle);
  if (capabilities.resources) {
    [ListResourcesRequestSchema, ListResourceTemplatesRequestSchema, ReadResourceRequestSchema].forEach(handle);
    if (capabilities.resources.subscribe) [SubscribeRequestSchema, UnsubscribeRequestSchema].forEach(handle);
  }
  if (capabilities.prompts) [ListPromptsRequestSchema, GetPromptRequestSchema].forEach(handle);
  if (capabilities.logging) handle(SetLevelRequestSchema);
  if (capabilities.completions) handle(CompleteRequestSchema);
  // Anything newer than this bridge knows is passed through as is.
  server.fallbackRequestHandler = (request, extra) => forward(request as Forwardable, extra);

  let resolveClosed!: () => void;
  const closed = new Promise<void>((resolve) => (resolveClosed = resolve));
  let closing: Promise<void> | null = null;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      stopRenewing();
      await server?.close().catch(() => undefined);
      await upstream.close();
      resolveClosed();
    })());

  const transport = options.transport ?? new StdioServerTransport();
  server.onclose = () => void close();
  server.onerror = (error) => log(`client connection: ${error.message}`);
  if (!options.transport) {
    // StdioServerTransport does not notice its client going away: stdin ending is the signal.
    const onEnd = (): void => void close();
    process.stdin.once('end', onEnd);
    process.stdin.once('close', onEnd);
  }
  await server.connect(transport);
  log(`serving ${agent.spiffeId ?? 'agent'} on stdio, gateway ${path}`);
  return { closed, close };
}

/** One gateway session at a time, reopened when the gateway drops it. */
class Upstream {
  #client: Promise<Client> | null = null;
  #closed = false;

  constructor(
    private readonly agent: CharonAgent,
    private readonly path: string,
    private readonly version: string,
    private readonly log: (message: string) => void,
    private readonly notify: (notification: ServerNotification) => void,
    private readonly ask: (request: ServerRequest, signal: AbortSignal) => Promise<Result>,
  ) {}

  current(): Promise<Client> {
    if (this.#closed) return Promise.reject(new BridgeError(JSONRPC_INTERNAL, 'ERR_BRIDGE_CLOSED', 'The bridge is shutting down', { code: 'ERR_BRIDGE_CLOSED', message: 'The bridge is shutting down' }));
    if (!this.#client) {
      const opening = this.#open();
      this.#client = opening;
      opening.catch(() => {
        if (this.#client === opening) this.#client = null;
      });
    }
    return this.#client;
  }

  /** Drops `stale` (if it is still the current session) so the next request opens a new one. */
  reset(stale: Client): void {
    void this.#client?.then((c) => {
      if (c !== stale) return;
      this.#client = null;
      void stale.close().catch(() => undefined);
    });
    this.#client = null;
  }

  async close(): Promise<void> {
    this.#closed = true;
    const client = await this.#client?.catch(() => null);
    this.#client = null;
    if (!client) return;
    const transport = client.transport as { terminateSession?: () => Promise<void> } | undefined;
    // Ends the gateway session rather than leaving it to the idle reaper; never holds up the exit for long.
    await Promise.race([transport?.terminateSession?.().catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 1000).unref())]);
    await client.close().catch(() => undefined);
  }

  async #open(): Promise<Client> {
    // Declared so the gateway forwards them; whether the MCP client can answer is checked per request.
    const client = new Client({ name: 'charon-connect', version: this.version }, { capabilities: { sampling: {}, elicitation: {}, roots: {} } });
    type Loose = never;
    for (const schema of [CreateMessageRequestSchema, ElicitRequestSchema, ListRootsRequestSchema]) {
      client.setRequestHandler(schema, (request, extra) => this.ask(request as ServerRequest, extra.signal) as Promise<Loose>);
    }
    client.onerror = (error) => {
      // Closing aborts the streams on purpose.
      if (this.#closed) return;
      // Refusals reach the MCP client as errors of their request; only log what has no request to report it.
      if (error instanceof StreamableHTTPError && typeof error.code === 'number' && error.code >= 400 && error.code < 500) return;
      if (error instanceof CharonRequestError) return;
      this.log(`gateway: ${error.message}`);
    };
    for (const schema of [LoggingMessageNotificationSchema, ToolListChangedNotificationSchema, ResourceListChangedNotificationSchema, ResourceUpdatedNotificationSchema, PromptListChangedNotificationSchema]) {
      client.setNotificationHandler(schema, (notification) => this.notify(notification as ServerNotification));
    }
    await client.connect(this.agent.mcpTransport(this.path));
    return client;
  }
}

/** What the client may use through the bridge: what the gateway offers (list_changed always, since the bridge forwards it). */
function mirroredCapabilities(upstream: ServerCapabilities): ServerCapabilities {
  const caps: ServerCapabilities = {};
  if (upstream.tools) caps.tools = { listChanged: true };
  if (upstream.resources) caps.resources = { listChanged: true, ...(upstream.resources.subscribe ? { subscribe: true } : {}) };
  if (upstream.prompts) caps.prompts = { listChanged: true };
  if (upstream.logging) caps.logging = {};
  if (upstream.completions) caps.completions = {};
  return caps;
}

function sessionLost(error: unknown): boolean {
  return error instanceof StreamableHTTPError && error.code === 404 && refusalBody(error.message)?.code === 'ERR_SESSION_NOT_FOUND';
}

/** The Charon refusal in an HTTP error's body (`{ error: { data: { code } } }` from /mcp, `{ code }` from /v1). */
function refusalBody(text: string): { code: string; message: string } | null {
  const at = text.indexOf('{');
  if (at < 0) return null;
  try {
    const body = JSON.parse(text.slice(at)) as { code?: unknown; message?: unknown; error?: { message?: unknown; data?: { code?: unknown; message?: unknown } } };
    const code = body.error?.data?.code ?? body.code;
    const message = body.error?.data?.message ?? body.error?.message ?? body.message;
    return typeof code === 'string' ? { code, message: typeof message === 'string' ? message : code } : null;
  } catch {
    return null;
  }
}

/** Any failure on the way to the gateway, as the error the MCP client gets: the Charon code first in the message and in `data.code`. */
export function toBridgeError(error: unknown): BridgeError {
  if (error instanceof BridgeError) return error;
  if (error instanceof McpError) {
    // A JSON-RPC error from the gateway's session (a refusal with data.code, or a downstream tool's error).
    const message = error.message.replace(/^MCP error -?\d+: /, '');
    const data = error.data as { code?: unknown } | undefined;
    const code = typeof data?.code === 'string' ? data.code : error.code === JSONRPC_REFUSED ? 'ERR_FORBIDDEN' : 'ERR_MCP';
    const text = message.startsWith(`${code}: `) ? message.slice(code.length + 2) : message;
    return new BridgeError(error.code, code, text, { ...(typeof error.data === 'object' && error.data !== null ? error.data : {}), code, message: text });
  }
  if (error instanceof StreamableHTTPError) {
    // An HTTP-level refusal: 401 (credential), 403 (not granted), 429 (rate), 404 (session).
    const status = typeof error.code === 'number' ? error.code : undefined;
    const refusal = refusalBody(error.message);
    const code = refusal?.code ?? 'ERR_GATEWAY';
    const message = refusal?.message ?? error.message.replace(/^Streamable HTTP error: /, '');
    return new BridgeError(JSONRPC_REFUSED, code, message, { code, message, ...(status === undefined ? {} : { status }) });
  }
  if (error instanceof CharonRequestError) {
    return new BridgeError(JSONRPC_REFUSED, error.code, error.message, { code: error.code, message: error.message, status: error.status });
  }
  const cause = error instanceof Error ? (error.cause as NodeJS.ErrnoException | undefined) : undefined;
  if (error instanceof TypeError && cause && ['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENOTFOUND', 'UND_ERR_SOCKET'].includes(cause.code ?? '')) {
    const message = `Cannot reach the Charon gateway: ${cause.message}`;
    return new BridgeError(JSONRPC_INTERNAL, 'ERR_GATEWAY_UNREACHABLE', message, { code: 'ERR_GATEWAY_UNREACHABLE', message });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new BridgeError(JSONRPC_INTERNAL, 'ERR_INTERNAL', message, { code: 'ERR_INTERNAL', message });
}
