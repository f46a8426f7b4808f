import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import {
  CallToolRequestSchema,
  GetPromptRequestSchema,
  ListPromptsRequestSchema,
  ListResourcesRequestSchema,
  ListResourceTemplatesRequestSchema,
  ListToolsRequestSchema,
  McpError,
  ReadResourceRequestSchema,
  SetLevelRequestSchema,
  type ServerNotification,
  type ServerRequest,
} from '@modelcontextprotocol/sdk/types.js';
import { CharonError } from '../core/errors.js';
import type { AgentContext } from './agent-context.js';
import type { Decision, DecidedMethod, ForwardOptions, GatewayBackend, SessionScope } from './backend.js';
import { JSONRPC_REFUSED } from './http-response.js';

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

/** The agent-facing MCP server of one session: lists filtered by policy, calls forwarded once decided. */
export function sessionServer(backend: GatewayBackend, scope: SessionScope, version: string): Server {
  const server = new Server(
    { name: 'charon-gateway', version },
    {
      capabilities: { tools: { listChanged: true }, resources: { listChanged: true }, prompts: { listChanged: true }, logging: {} },
      instructions: 'Tools reached through Charon: every call is authorized against the grant your owner approved.',
    },
  );
  server.setRequestHandler(ListToolsRequestSchema, (_r, extra) => mapped(async () => ({ tools: await backend.listTools(authOf(extra).ctx, scope) })));
  server.setRequestHandler(ListResourcesRequestSchema, (_r, extra) => mapped(async () => ({ resources: await backend.listResources(authOf(extra).ctx, scope) })));
  server.setRequestHandler(ListResourceTemplatesRequestSchema, (_r, extra) =>
    mapped(async () => ({ resourceTemplates: await backend.listResourceTemplates(authOf(extra).ctx, scope) })),
  );
  server.setRequestHandler(ListPromptsRequestSchema, (_r, extra) => mapped(async () => ({ prompts: await backend.listPrompts(authOf(extra).ctx, scope) })));
  server.setRequestHandler(CallToolRequestSchema, (request, extra) =>
    mapped(() => backend.callTool(allowed(extra, 'tools/call'), forwardOptions(extra, request.params._meta?.progressToken))),
  );
  server.setRequestHandler(ReadResourceRequestSchema, (request, extra) =>
    mapped(() => backend.readResource(allowed(extra, 'resources/read'), forwardOptions(extra, request.params._meta?.progressToken))),
  );
  server.setRequestHandler(GetPromptRequestSchema, (request, extra) =>
    mapped(() => backend.getPrompt(allowed(extra, 'prompts/get'), forwardOptions(extra, request.params._meta?.progressToken))),
  );
  // Log level is per session and affects only what the gateway itself would log to the agent.
  server.setRequestHandler(SetLevelRequestSchema, () => ({}));
  return server;
}
