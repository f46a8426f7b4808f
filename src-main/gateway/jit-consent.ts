// Just-in-time consent, plugged into the decision path as a backend decorator: a tools/call the
// policy refuses, from an agent the owner enabled JIT for, becomes a grant request for exactly
// that tool, and the call is held (bounded) while the owner decides in the inbox. Approved in
// time: decided again, so the new grant is what lets it through (and the envelope still applies).
// Otherwise the agent gets ERR_APPROVAL_PENDING naming the request, and can retry once approved.
import { TOOL_SEPARATOR, toolNameSchema } from '../../src-shared/grant.js';
import type { GrantRequestState } from '../../src-shared/approvals.js';
import { CharonError } from '../core/errors.js';
import type { AgentContext } from './agent-context.js';
import type { Decision, DecidedMethod, GatewayBackend, SessionScope } from './backend.js';

/** What JIT needs from approvals (wired by app; the gateway does not import approvals). */
export interface JitConsentPort {
  /** Whether the owner enabled JIT for this agent (read on each refused call). */
  enabled(agentId: string): boolean;
  /** The agent's open request for this tool, or a new one; auto-approve rules may decide it at once. */
  request(ctx: AgentContext, server: string, tool: string, args: Readonly<Record<string, unknown>>): { id: string; state: GrantRequestState };
  /** Why the owner denied it, if they said. */
  reasonOf(requestId: string): string | null;
  /** Resolves with the request's state once it is decided, or PENDING when the hold is over. */
  hold(requestId: string): Promise<GrantRequestState>;
  holdSeconds(): number;
  /** Records the outcome of a hold in the audit chain; returns its sequence number. */
  record(ctx: AgentContext, requestId: string, subject: string, outcome: GrantRequestState): Promise<number>;
}

export function withJitConsent(inner: GatewayBackend, jit: JitConsentPort): GatewayBackend {
  const decide = async (ctx: AgentContext, scope: SessionScope, method: DecidedMethod, params: Readonly<Record<string, unknown>>): Promise<Decision> => {
    const first = await inner.decide(ctx, scope, method, params);
    // A delegated token's authority comes from its delegator's chain, not from the owner's inbox: no JIT for it.
    if (first.allow || method !== 'tools/call' || first.code !== 'ERR_TOOL_NOT_ALLOWED' || first.rule !== 'policy' || ctx.delegation !== null || !jit.enabled(ctx.agentId)) return first;
    const target = targetOf(scope, params.name);
    if (!target) return first;
    const subject = `${target.server}${TOOL_SEPARATOR}${target.tool}`;
    let request: { id: string; state: GrantRequestState };
    try {
      const args = params.arguments;
      request = jit.request(ctx, target.server, target.tool, typeof args === 'object' && args !== null && !Array.isArray(args) ? (args as Record<string, unknown>) : {});
    } catch (error) {
      // Too many open requests, or backing off after denials: the refusal says why.
      if (error instanceof CharonError && error.code !== 'ERR_STORE_BUSY') return { ...first, code: error.code, message: `${first.message}; no just-in-time request: ${error.message}` };
      throw error;
    }
    const outcome = request.state === 'PENDING' ? await jit.hold(request.id) : request.state;
    if (outcome === 'APPROVED') return inner.decide(ctx, scope, method, params);
    const auditSeq = await jit.record(ctx, request.id, subject, outcome);
    if (outcome === 'PENDING') {
      return { allow: false, code: 'ERR_APPROVAL_PENDING', rule: 'jit', auditSeq, message: `${subject} is not granted yet: grant request ${request.id} awaits the owner's approval (held ${jit.holdSeconds()} s); retry this call once it is approved` };
    }
    const reason = outcome === 'DENIED' ? jit.reasonOf(request.id) : null;
    return { allow: false, code: 'ERR_TOOL_NOT_ALLOWED', rule: 'jit', auditSeq, message: `Not allowed: grant request ${request.id} for ${subject} is ${outcome}${reason ? `: the owner said "${reason}"` : ''}` };
  };
  return {
    decide,
    serves: (ctx, scope, server) => inner.serves(ctx, scope, server),
    listTools: (ctx, scope) => inner.listTools(ctx, scope),
    listResources: (ctx, scope) => inner.listResources(ctx, scope),
    listResourceTemplates: (ctx, scope) => inner.listResourceTemplates(ctx, scope),
    listPrompts: (ctx, scope) => inner.listPrompts(ctx, scope),
    callTool: (decision, options) => inner.callTool(decision, options),
    readResource: (decision, options) => inner.readResource(decision, options),
    getPrompt: (decision, options) => inner.getPrompt(decision, options),
    complete: (ctx, scope, params, options) => inner.complete(ctx, scope, params, options),
    resourceTarget: (ctx, scope, uri) => inner.resourceTarget(ctx, scope, uri),
    mayRead: (ctx, scope, server, uri) => inner.mayRead(ctx, scope, server, uri),
    capabilities: (ctx, scope) => inner.capabilities(ctx, scope),
  };
}

/** The server and the downstream's tool name, as the refused call named them; null if it is no tool name at all. */
function targetOf(scope: SessionScope, name: unknown): { server: string; tool: string } | null {
  if (typeof name !== 'string') return null;
  const at = name.indexOf(TOOL_SEPARATOR);
  const target = scope.kind === 'one' ? { server: scope.server, tool: name } : at > 0 ? { server: name.slice(0, at), tool: name.slice(at + TOOL_SEPARATOR.length) } : null;
  return target && toolNameSchema.safeParse(target.tool).success ? target : null;
}
