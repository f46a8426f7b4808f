import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import {
  CallToolRequestSchema,
  CompleteRequestSchema,
  GetPromptRequestSchema,
  ListPromptsRequestSchema,
  ListResourcesRequestSchema,
  ListResourceTemplatesRequestSchema,
  ListToolsRequestSchema,
  McpError,
  ReadResourceRequestSchema,
  ResultSchema,
  SetLevelRequestSchema,
  SubscribeRequestSchema,
  UnsubscribeRequestSchema,
  type ServerCapabilities,
  type ServerNotification,
  type ServerRequest,
} from '@modelcontextprotocol/sdk/types.js';
import { CharonError } from '../core/errors.js';
import type { AgentContext } from './agent-context.js';
import type { Decision, DecidedMethod, ForwardOptions, GatewayBackend, SessionScope } from './backend.js';
import type { InFlightCall } from './downstream-router.js';
import { JSONRPC_REFUSED } from './http-response.js';
import { SessionChannel } from './session-channel.js';

type Extra = RequestHandlerExtra<ServerRequest, ServerNotification>;

/** Attached by the HTTP layer to each request: who called, and what was decided for this call. */
export interface RequestAuth {
  readonly ctx: AgentContext;
  readonly decision?: Decision;
}

const authOf = (extra: Extra): RequestAuth => {
  const auth = extra.authInfo?.extra as RequestAuth | undefined;
  if (!auth?.ctx) throw new McpError(JSONRPC_REFUSED, 'Unauthenticated request', { code: 'ERR_UNAUTHENTICATED' });
  return auth;
};

/** The decision the HTTP layer recorded for exactly this call, committed; without one nothing is forwarded. */
const allowed = (extra: Extra, method: DecidedMethod): Decision & { allow: true } => {
  const decision = authOf(extra).decision;
  if (!decision?.allow) throw new McpError(JSONRPC_REFUSED, `${method} was not authorized`, { code: 'ERR_TOOL_NOT_ALLOWED' });
  // The call is going ahead: its envelope reservation becomes usage.
  decision.commit();
  return decision;
};

function forwardOptions(extra: Extra, progressToken: string | number | undefined): ForwardOptions {
  return {
    signal: extra.signal,
    onprogress:
      progressToken === undefined
        ? undefined
        : (p) => void extra.sendNotification({ method: 'notifications/progress', params: { progressToken, ...p } }).catch(() => undefined),
  };
}

/** Typed failures keep their stable code in `data`; nothing else leaks. */
async function mapped<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof McpError) throw error;
    if (error instanceof CharonError) throw new McpError(JSONRPC_REFUSED, error.message, { code: error.code });
    throw new McpError(-32603, 'Internal error in the gateway', { code: 'ERR_INTERNAL' });
  }
}

/** Registers a forwarded call as in flight (so its downstream's requests can reach this session) until the returned function runs. */
export type TrackCall = (call: InFlightCall) => () => void;

/** The session's resource subscriptions (kept by the gateway: a downstream is shared). */
export interface SessionSubscriptions {
  subscribe(server: string, uri: string): Promise<void>;
  /** Ends this session's subscription to `uri`, on whichever server it was made. */
  unsubscribe(uri: string): Promise<void>;
}

export interface SessionServerOptions {
  readonly version: string;
  /** What the downstreams behind the endpoint offer and the grants allow (GatewayBackend.capabilities). */
  readonly capabilities: ServerCapabilities;
  readonly track: TrackCall;
  readonly subscriptions: SessionSubscriptions;
}

/** The agent-facing MCP server of one session: lists filtered by policy, calls forwarded once decided. */
export function sessionServer(backend: GatewayBackend, scope: SessionScope, options: SessionServerOptions): SessionChannel {
  const { version, capabilities, track, subscriptions } = options;
  const server = new Server(
    { name: 'charon-gateway', version },
    {
      capabilities,
      instructions: 'Tools reached through Charon: every call is authorized against the grant your owner approved.',
    },
  );
  const channel = new SessionChannel(server);
  const listed = <T>(kind: 'tools' | 'prompts' | 'resources', items: T[]): T[] => {
    channel.noteListed(kind, items);
    return items;
  };
  /** Forwards a decided request, with the session reachable by the downstream while it runs. */
  const forward = <T>(method: DecidedMethod, extra: Extra, progressToken: string | number | undefined, run: (decision: Decision & { allow: true }, options: ForwardOptions) => Promise<T>): Promise<T> =>
    mapped(async () => {
      const decision = allowed(extra, method);
      const untrack = track({
        server: decision.server,
        agentId: authOf(extra).ctx.agentId,
        channel,
        // Each progress notification of the agent's answer restarts the timeout (a person may be typing).
        sendRequest: (request, o) => extra.sendRequest(request, ResultSchema, { ...o, resetTimeoutOnProgress: true }),
        sendNotification: extra.sendNotification,
      });
      try {
        return await run(decision, forwardOptions(extra, progressToken));
      } finally {
        untrack();
      }
    });
  server.setRequestHandler(ListToolsRequestSchema, (_r, extra) => mapped(async () => ({ tools: listed('tools', await backend.listTools(authOf(extra).ctx, scope)) })));
  server.setRequestHandler(CallToolRequestSchema, (request, extra) => forward('tools/call', extra, request.params._meta?.progressToken, (d, o) => backend.callTool(d, o)));
  // Only what was declared is served: an undeclared method is "Method not found", as the spec has it.
  if (capabilities.resources) {
    server.setRequestHandler(ListResourcesRequestSchema, (_r, extra) => mapped(async () => ({ resources: listed('resources', await backend.listResources(authOf(extra).ctx, scope)) })));
    server.setRequestHandler(ListResourceTemplatesRequestSchema, (_r, extra) =>
      mapped(async () => ({ resourceTemplates: await backend.listResourceTemplates(authOf(extra).ctx, scope) })),
    );
    server.setRequestHandler(ReadResourceRequestSchema, (request, extra) => forward('resources/read', extra, request.params._meta?.progressToken, (d, o) => backend.readResource(d, o)));
  }
  if (capabilities.prompts) {
    server.setRequestHandler(ListPromptsRequestSchema, (_r, extra) => mapped(async () => ({ prompts: listed('prompts', await backend.listPrompts(authOf(extra).ctx, scope)) })));
    server.setRequestHandler(GetPromptRequestSchema, (request, extra) => forward('prompts/get', extra, request.params._meta?.progressToken, (d, o) => backend.getPrompt(d, o)));
  }
  // Downstreams are shared, so a level is not passed on: it filters what this session is sent.
  if (capabilities.logging) {
    server.setRequestHandler(SetLevelRequestSchema, (request) => {
      channel.setLogLevel(request.params.level);
      return {};
    });
  }
  if (capabilities.completions) {
    server.setRequestHandler(CompleteRequestSchema, (request, extra) => mapped(() => backend.complete(authOf(extra).ctx, scope, request.params, forwardOptions(extra, undefined))));
  }
  if (capabilities.resources?.subscribe) {
    server.setRequestHandler(SubscribeRequestSchema, (request, extra) =>
      mapped(async () => {
        const target = backend.resourceTarget(authOf(extra).ctx, scope, request.params.uri);
        await subscriptions.subscribe(target.server, target.uri);
        return {};
      }),
    );
    // Ending a subscription needs no grant: one revoked since must still be endable.
    server.setRequestHandler(UnsubscribeRequestSchema, (request) => mapped(async () => (await subscriptions.unsubscribe(request.params.uri), {})));
  }
  return channel;
}
