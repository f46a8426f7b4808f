import type { CallToolResult, CompleteRequest, CompleteResult, GetPromptResult, ServerCapabilities, Prompt, ReadResourceResult, Resource, ResourceTemplate, Tool } from '@modelcontextprotocol/sdk/types.js';
import type { ErrorCode } from '../../src-shared/errors.js';
import type { AgentContext } from './agent-context.js';

/** Which downstream servers a session sees: all of them (names prefixed) or one (names as-is). */
export type SessionScope = { readonly kind: 'all' } | { readonly kind: 'one'; readonly server: string };

/** The three request kinds decided one by one (DESIGN.md §5, invariant 4). */
export type DecidedMethod = 'tools/call' | 'resources/read' | 'prompts/get';

export type Decision =
  | {
      readonly allow: true;
      readonly server: string;
      /** The downstream's own name for the tool or prompt, or the resource URI. */
      readonly target: string;
      readonly args: Readonly<Record<string, unknown>>;
      readonly auditSeq: number;
      /** The call is going ahead: envelope reservations become usage. */
      commit(): void;
      /** The call will not be forwarded after all: give reservations back. */
      release(): void;
    }
  | { readonly allow: false; readonly code: ErrorCode; readonly message: string; readonly rule: string; readonly auditSeq: number; readonly retryAfterMs?: number };

export interface ForwardOptions {
  readonly signal: AbortSignal;
  readonly onprogress?: (progress: { progress: number; total?: number; message?: string }) => void;
}

/**
 * What the agent-facing MCP server asks of the rest of Charon. `decide` records the decision in
 * the audit chain before it returns (invariant 8); lists are filtered by the same policy.
 */
export interface GatewayBackend {
  decide(ctx: AgentContext, scope: SessionScope, method: DecidedMethod, params: Readonly<Record<string, unknown>>): Promise<Decision>;
  /** Whether the session may use anything of `server` (so its logging and list changes concern it). */
  serves(ctx: AgentContext, scope: SessionScope, server: string): boolean;
  listTools(ctx: AgentContext, scope: SessionScope): Promise<Tool[]>;
  listResources(ctx: AgentContext, scope: SessionScope): Promise<Resource[]>;
  listResourceTemplates(ctx: AgentContext, scope: SessionScope): Promise<ResourceTemplate[]>;
  listPrompts(ctx: AgentContext, scope: SessionScope): Promise<Prompt[]>;
  callTool(decision: Decision & { allow: true }, options: ForwardOptions): Promise<CallToolResult>;
  readResource(decision: Decision & { allow: true }, options: ForwardOptions): Promise<ReadResourceResult>;
  getPrompt(decision: Decision & { allow: true }, options: ForwardOptions): Promise<GetPromptResult>;
  /** Argument completion, forwarded under the policy of the prompt or resource template it completes. */
  complete(ctx: AgentContext, scope: SessionScope, params: CompleteRequest['params'], options: ForwardOptions): Promise<CompleteResult>;
  /** The server the session would read `uri` from, normalized; refused (ERR_TOOL_NOT_ALLOWED) when it may not read it. */
  resourceTarget(ctx: AgentContext, scope: SessionScope, uri: unknown): { server: string; uri: string };
  /** Whether the session may read `uri` on `server` now (asked again at every resource update). */
  mayRead(ctx: AgentContext, scope: SessionScope, server: string, uri: string): boolean;
  /**
   * What to declare to the agent at initialize: what the downstreams behind the endpoint offer and
   * its grants let it use. Tools always: a grant approved during the session adds some.
   */
  capabilities(ctx: AgentContext, scope: SessionScope): Promise<ServerCapabilities>;
}
