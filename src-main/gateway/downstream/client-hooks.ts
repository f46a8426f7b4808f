import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import {
  CreateMessageRequestSchema,
  ElicitRequestSchema,
  ErrorCode as McpErrorCode,
  ListRootsRequestSchema,
  McpError,
  type ClientCapabilities,
} from '@modelcontextprotocol/sdk/types.js';

/** A request a downstream server sends to us (sampling, elicitation, roots). */
export interface DownstreamRequest {
  readonly method: string;
  readonly params?: Readonly<Record<string, unknown>>;
}

export interface DownstreamRequestExtra {
  /** Aborted when the server cancels the request or the connection ends. */
  readonly signal: AbortSignal;
}

/** Answers a downstream's request, typically by forwarding it to the agent whose call caused it. Throw an McpError to refuse. */
export type DownstreamRequestHandler = (request: DownstreamRequest, extra: DownstreamRequestExtra) => Promise<Record<string, unknown>>;

/** A notification a downstream server sent (logging, list_changed, resources/updated, …). */
export interface DownstreamNotification {
  readonly method: string;
  readonly params?: Readonly<Record<string, unknown>>;
}

export type DownstreamNotificationListener = (server: string, notification: DownstreamNotification) => void;

/**
 * Sampling and elicitation are declared so servers offer the tools that need them; the
 * agent-facing side answers them by forwarding to the agent. Roots are not declared by default:
 * server-filesystem, for one, replaces its configured directories with whatever roots we list.
 */
export const DEFAULT_CLIENT_CAPABILITIES: ClientCapabilities = { sampling: {}, elicitation: {} };

/** Without a handler a server's request is refused at once with a clear error, never left to hang. */
export const noAgentSession = (server: string): DownstreamRequestHandler => async (request) => {
  throw new McpError(McpErrorCode.InvalidRequest, `Charon has no agent session to forward ${request.method} from downstream server '${server}' to`);
};

export interface HookTargets {
  readonly server: string;
  readonly capabilities: ClientCapabilities;
  /** Looked up per request, so a handler set after connecting applies at once. */
  handler(): DownstreamRequestHandler | undefined;
  notify(notification: DownstreamNotification): void;
}

/** Routes every server-initiated request and notification of one client to the manager's hooks. */
export function installHooks(client: Client, targets: HookTargets): void {
  const dispatch = async (request: { method: string; params?: Record<string, unknown> }, extra: { signal: AbortSignal }) => {
    const handler = targets.handler() ?? noAgentSession(targets.server);
    return handler({ method: request.method, params: request.params }, { signal: extra.signal });
  };
  // The SDK validates each result against the method's schema, so a loose record type is enough here.
  type Loose = never;
  if (targets.capabilities.sampling) client.setRequestHandler(CreateMessageRequestSchema, (r, e) => dispatch(r, e) as Promise<Loose>);
  if (targets.capabilities.elicitation) client.setRequestHandler(ElicitRequestSchema, (r, e) => dispatch(r, e) as Promise<Loose>);
  if (targets.capabilities.roots) client.setRequestHandler(ListRootsRequestSchema, (r, e) => dispatch(r, e) as Promise<Loose>);
  // Everything the SDK does not consume itself (progress of our own requests is routed to
  // each request's onprogress) goes to the listeners.
  client.fallbackNotificationHandler = async (notification) => {
    targets.notify({ method: notification.method, params: notification.params });
  };
}
