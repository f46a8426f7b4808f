import { createHmac } from 'node:crypto';
import type { CallToolResult, CompleteRequest, CompleteResult, GetPromptResult, Prompt, ReadResourceResult, Resource, ResourceTemplate, ServerCapabilities, Tool } from '@modelcontextprotocol/sdk/types.js';
import type { ErrorCode } from '../../src-shared/errors.js';
import { TOOL_SEPARATOR, type ArgConstraint, type GrantSpec } from '../../src-shared/grant.js';
import type { AuditLog } from '../audit/audit-log.js';
import { canonicalJson } from '../core/canonical-json.js';
import type { Clock } from '../core/clock.js';
import { normalizeResourceUri, resourceUriProblem } from '../core/resource-uri.js';
import { CharonError, isStoreFault } from '../core/errors.js';
import type { PolicyEngine } from '../policy/policy-engine.js';
import type { AgentContext } from './agent-context.js';
import type { Decision, DecidedMethod, ForwardOptions, GatewayBackend, SessionScope } from './backend.js';
import { normalizeConstrainedArgs, type NormalizedArgs } from './constrained-args.js';
import type { DownstreamManager } from './downstream/downstream-manager.js';
import { delegationPrincipal } from '../policy/delegation-principal.js';
import { explainToolDenial } from '../policy/explain-denial.js';
import type { Admission, EnvelopeEnforcer } from './envelope.js';

export interface GatewayBackendDeps {
  readonly policy: Pick<PolicyEngine, 'decide' | 'constrainedArgsFor' | 'grantsOf'>;
  readonly downstream: Pick<DownstreamManager, 'has' | 'listTools' | 'callTool' | 'listResources' | 'listResourceTemplates' | 'readResource' | 'listPrompts' | 'getPrompt' | 'complete' | 'capabilitiesOf'>;
  readonly envelope: EnvelopeEnforcer;
  readonly audit: AuditLog;
  /** Commits the decision record with others of the same tick, before the call is forwarded. */
  readonly groupCommit: <T>(fn: () => T) => Promise<T>;
  readonly clock: Clock;
  /** Keys the digest of call arguments in the audit chain, so low-entropy secrets cannot be guessed from it. */
  readonly digestKey: Uint8Array;
}

interface Target {
  readonly server: string;
  readonly name: string;
}

/** How long initialize waits for a downstream to say what it offers before using what it said last time. */
const CAPABILITIES_WAIT_MS = 5_000;

type Refused = { readonly code: ErrorCode; readonly message: string; readonly rule: string; readonly retryAfterMs?: number };

/**
 * The authorization pipeline behind the gateway: resolve the target, normalize the constrained
 * arguments, let Cedar decide, admit through the envelope, record the decision, then forward.
 */
export class PolicyGatewayBackend implements GatewayBackend {
  readonly #d: GatewayBackendDeps;

  constructor(deps: GatewayBackendDeps) {
    this.#d = deps;
  }

  async decide(ctx: AgentContext, scope: SessionScope, method: DecidedMethod, params: Readonly<Record<string, unknown>>): Promise<Decision> {
    const now = this.#d.clock.now();
    let target: Target | null = null;
    let normalized: NormalizedArgs | null = null;
    let refused: Refused;
    try {
      if (method === 'resources/read') return await this.#decideResource(ctx, scope, params, now);
      target = this.#target(scope, params.name);
      const args = argumentsOf(method, params);
      const principals = principalsOf(ctx);
      const constraints = method === 'tools/call' ? mergeConstraints(principals.map((p) => this.#d.policy.constrainedArgsFor(p, (target as Target).server, (target as Target).name))) : new Map();
      normalized = await normalizeConstrainedArgs(args, constraints);
      const request = { environment: ctx.environment, action: method, resourceName: `${target.server}${TOOL_SEPARATOR}${target.name}`, args: normalized.context, now };
      // A delegated call needs the root agent's grants and every narrowing of the chain to allow it.
      const policy = this.#d.policy.decide({ agentId: principals[0] as string, ...request });
      const narrowed = policy.allow ? principals.slice(1).map((p) => this.#d.policy.decide({ agentId: p, ...request })).find((d) => !d.allow) : undefined;
      if (!policy.allow || narrowed) {
        const why = policy.allow ? `the delegated authority: ${narrowed?.reason ?? ''}` : (this.#explain(ctx, principals[0] as string, target, method, normalized) ?? policy.reason);
        refused = { code: 'ERR_TOOL_NOT_ALLOWED', message: `Not allowed: ${why}`, rule: policy.allow ? 'delegation' : 'policy' };
      } else {
        const admission = this.#admit(ctx, policy.grantIds, `${target.server}${TOOL_SEPARATOR}${target.name}`, normalized.amounts, now);
        if (!admission.ok) {
          refused = { code: admission.code, message: admission.message, rule: admission.rule, ...(admission.retryAfterMs !== undefined ? { retryAfterMs: admission.retryAfterMs } : {}) };
        } else {
          let auditSeq: number;
          try {
            auditSeq = await this.#record(ctx, method, target, 'allow', { grantIds: policy.grantIds, rule: 'policy', normalized, args });
          } catch (error) {
            admission.release();
            throw error;
          }
          return { allow: true, server: target.server, target: target.name, args: normalized.forwarded, auditSeq, commit: admission.commit, release: admission.release };
        }
      }
    } catch (error) {
      // A replayed DPoP proof (found when the record commits) is no decision at all.
      if (!(error instanceof CharonError) || isStoreFault(error) || error.code === 'ERR_DPOP_PROOF_REPLAYED') throw error;
      refused = { code: error.code, message: error.message, rule: 'input' };
    }
    const auditSeq = await this.#record(ctx, method, target, 'deny', { ...refused, normalized, args: argumentsOf(method, params, true) });
    return { allow: false, ...refused, auditSeq };
  }

  serves(ctx: AgentContext, scope: SessionScope, server: string): boolean {
    if (scope.kind === 'one' && scope.server !== server) return false;
    return this.#specs(ctx).some((s) => server in s.servers);
  }

  async listTools(ctx: AgentContext, scope: SessionScope): Promise<Tool[]> {
    return this.#perServer(ctx, scope, async (server, spec) => {
      const granted = new Set(spec.flatMap((g) => Object.keys(g.servers[server]?.tools ?? {})));
      const tools = await this.#d.downstream.listTools(server);
      return tools.filter((t) => granted.has(t.name)).map((t) => (scope.kind === 'all' ? { ...t, name: `${server}${TOOL_SEPARATOR}${t.name}` } : t));
    });
  }

  async listPrompts(ctx: AgentContext, scope: SessionScope): Promise<Prompt[]> {
    return this.#perServer(ctx, scope, async (server) => {
      const prompts = await this.#d.downstream.listPrompts(server);
      return prompts
        .filter((p) => this.#allowed(ctx, 'prompts/get', `${server}${TOOL_SEPARATOR}${p.name}`))
        .map((p) => (scope.kind === 'all' ? { ...p, name: `${server}${TOOL_SEPARATOR}${p.name}` } : p));
    });
  }

  async listResources(ctx: AgentContext, scope: SessionScope): Promise<Resource[]> {
    return this.#perServer(ctx, scope, async (server) => {
      const resources = await this.#d.downstream.listResources(server);
      // Decided on the same normalized URI as a read of it, so the list and the read agree.
      // A URI that cannot be matched safely (core/resource-uri.ts) is not listed: it could not be read either.
      return resources.filter((r) => {
        const uri = normalizeResourceUri(r.uri);
        return uri !== null && this.#allowed(ctx, 'resources/read', uri, server);
      });
    });
  }

  async listResourceTemplates(ctx: AgentContext, scope: SessionScope): Promise<ResourceTemplate[]> {
    // A template is shown when the agent may read some resources of that server; each read is still decided on its URI.
    return this.#perServer(ctx, scope, async (server, specs) => (specs.some((g) => (g.servers[server]?.resources.length ?? 0) > 0) ? this.#d.downstream.listResourceTemplates(server) : []));
  }

  async callTool(decision: Decision & { allow: true }, options: ForwardOptions): Promise<CallToolResult> {
    return this.#d.downstream.callTool(decision.server, decision.target, { ...decision.args }, options);
  }

  async readResource(decision: Decision & { allow: true }, options: ForwardOptions): Promise<ReadResourceResult> {
    return this.#d.downstream.readResource(decision.server, decision.target, options);
  }

  async getPrompt(decision: Decision & { allow: true }, options: ForwardOptions): Promise<GetPromptResult> {
    const args = Object.fromEntries(Object.entries(decision.args).filter((e): e is [string, string] => typeof e[1] === 'string'));
    return this.#d.downstream.getPrompt(decision.server, decision.target, args, options);
  }

  async complete(ctx: AgentContext, scope: SessionScope, params: CompleteRequest['params'], options: ForwardOptions): Promise<CompleteResult> {
    const ref = params.ref;
    if (ref.type === 'ref/prompt') {
      const target = this.#target(scope, ref.name);
      if (!this.#allowed(ctx, 'prompts/get', `${target.server}${TOOL_SEPARATOR}${target.name}`)) {
        throw new CharonError('ERR_TOOL_NOT_ALLOWED', `Not allowed: no grant allows the prompt ${ref.name}, so its arguments are not completed`);
      }
      return this.#d.downstream.complete(target.server, { ...params, ref: { type: 'ref/prompt', name: target.name } }, options);
    }
    if (ref.type !== 'ref/resource' || typeof ref.uri !== 'string') throw new CharonError('ERR_INVALID_INPUT', 'completion/complete needs a ref/prompt or ref/resource reference');
    // A template is completed where it is listed (a server the session may read resources of);
    // a value is offered only if the URI it completes to may be read, when that URI is whole.
    const specs = this.#specs(ctx);
    const servers = this.#serversOf(ctx, scope).filter((server) => specs.some((g) => (g.servers[server]?.resources.length ?? 0) > 0));
    for (const server of servers) {
      const templates = await this.#d.downstream.listResourceTemplates(server, { signal: options.signal }).catch(() => []);
      if (!templates.some((t) => t.uriTemplate === ref.uri)) continue;
      const result = await this.#d.downstream.complete(server, params, options);
      const readable = result.completion.values.filter((value) => {
        const uri = expandTemplate(ref.uri, { ...(params.context?.arguments ?? {}), [params.argument.name]: value });
        const normalized = uri === null ? null : normalizeResourceUri(uri);
        return uri === null || (normalized !== null && this.#allowed(ctx, 'resources/read', normalized, server));
      });
      if (readable.length === result.completion.values.length) return result;
      return { ...result, completion: { values: readable, hasMore: result.completion.hasMore ?? false } };
    }
    throw new CharonError('ERR_TOOL_NOT_ALLOWED', 'Not allowed: no grant lets this session read resources of a server with this template');
  }

  resourceTarget(ctx: AgentContext, scope: SessionScope, raw: unknown): { server: string; uri: string } {
    const uri = resourceUriOf(raw);
    if (typeof uri !== 'string') throw new CharonError('ERR_INVALID_INPUT', uri.problem);
    const server = this.#serversOf(ctx, scope).find((s) => this.#allowed(ctx, 'resources/read', uri, s));
    if (server === undefined) throw new CharonError('ERR_TOOL_NOT_ALLOWED', 'Not allowed: no grant allows reading this resource, so it cannot be subscribed to');
    return { server, uri };
  }

  mayRead(ctx: AgentContext, scope: SessionScope, server: string, uri: string): boolean {
    return (scope.kind === 'all' || scope.server === server) && this.#allowed(ctx, 'resources/read', uri, server);
  }

  async capabilities(ctx: AgentContext, scope: SessionScope): Promise<ServerCapabilities> {
    const specs = this.#specs(ctx);
    const servers = this.#serversOf(ctx, scope).filter((server) => specs.some((g) => server in g.servers));
    const offered = await Promise.all(servers.map(async (server) => ({ server, caps: await this.#d.downstream.capabilitiesOf(server, CAPABILITIES_WAIT_MS) })));
    const caps: ServerCapabilities = { tools: { listChanged: true } };
    for (const { server, caps: c } of offered) {
      if (!c) continue;
      const resources = specs.some((g) => (g.servers[server]?.resources.length ?? 0) > 0);
      const prompts = specs.some((g) => (g.servers[server]?.prompts.length ?? 0) > 0);
      if (c.resources && resources) caps.resources = { listChanged: true, ...(c.resources.subscribe || caps.resources?.subscribe ? { subscribe: true } : {}) };
      if (c.prompts && prompts) caps.prompts = { listChanged: true };
      if (c.completions && (resources || prompts)) caps.completions = {};
      if (c.logging) caps.logging = {};
    }
    return caps;
  }

  async #decideResource(ctx: AgentContext, scope: SessionScope, params: Readonly<Record<string, unknown>>, now: number): Promise<Decision> {
    const uri = resourceUriOf(params.uri);
    if (typeof uri !== 'string') {
      const refused = { code: 'ERR_INVALID_INPUT' as const, message: `resources/read: ${uri.problem}`, rule: 'input' };
      return { allow: false, ...refused, auditSeq: await this.#record(ctx, 'resources/read', null, 'deny', refused) };
    }
    const servers = this.#serversOf(ctx, scope);
    for (const server of servers) {
      const [root, ...narrowing] = principalsOf(ctx);
      const policy = this.#d.policy.decide({ agentId: root as string, environment: ctx.environment, action: 'resources/read', resourceName: uri, server, args: {}, now });
      if (policy.allow && narrowing.every((p) => this.#d.policy.decide({ agentId: p, environment: ctx.environment, action: 'resources/read', resourceName: uri, server, args: {}, now }).allow)) {
        // A read is spent against the same envelope as a call: its windows and the agent's rate.
        const admission = this.#admit(ctx, policy.grantIds, `${server}:${uri}`, {}, now);
        if (!admission.ok) {
          const refused = { code: admission.code, message: admission.message, rule: admission.rule, ...(admission.retryAfterMs !== undefined ? { retryAfterMs: admission.retryAfterMs } : {}) };
          return { allow: false, ...refused, auditSeq: await this.#record(ctx, 'resources/read', { server, name: uri }, 'deny', refused) };
        }
        let auditSeq: number;
        try {
          auditSeq = await this.#record(ctx, 'resources/read', { server, name: uri }, 'allow', { grantIds: policy.grantIds, rule: 'policy' });
        } catch (error) {
          admission.release();
          throw error;
        }
        return { allow: true, server, target: uri, args: {}, auditSeq, commit: admission.commit, release: admission.release };
      }
    }
    const refused = { code: 'ERR_TOOL_NOT_ALLOWED' as const, message: 'Not allowed: no grant allows reading this resource', rule: 'policy' };
    return { allow: false, ...refused, auditSeq: await this.#record(ctx, 'resources/read', { server: servers.length === 1 ? (servers[0] as string) : '*', name: uri }, 'deny', refused) };
  }

  #target(scope: SessionScope, name: unknown): Target {
    if (typeof name !== 'string' || name.length === 0 || name.length > 300) throw new CharonError('ERR_INVALID_INPUT', 'A tool or prompt name is required');
    if (scope.kind === 'one') return { server: scope.server, name };
    const at = name.indexOf(TOOL_SEPARATOR);
    const server = at > 0 ? name.slice(0, at) : '';
    // Unknown servers are refused like ungranted tools: the agent learns nothing about what exists.
    if (!server || !this.#d.downstream.has(server)) throw new CharonError('ERR_TOOL_NOT_ALLOWED', `Not allowed: no grant allows ${name}`);
    return { server, name: name.slice(at + TOOL_SEPARATOR.length) };
  }

  /** For a tool some grant names: which grant and which argument refused the call, in words. */
  #explain(ctx: AgentContext, agentId: string, target: Target, method: DecidedMethod, normalized: NormalizedArgs): string | null {
    if (method !== 'tools/call') return null;
    return explainToolDenial({ grants: this.#d.policy.grantsOf(agentId), environment: ctx.environment, now: this.#d.clock.now(), server: target.server, tool: target.name, args: normalized.context });
  }

  #grant(agentId: string, grantId: string): GrantSpec {
    const grant = this.#d.policy.grantsOf(agentId).find((g) => g.id === grantId);
    if (!grant) throw new CharonError('ERR_TOOL_NOT_ALLOWED', 'The grant that allowed this call is no longer active');
    return grant.spec;
  }

  /**
   * Admits the call through the envelope of the grant that allowed it and, for a delegated call,
   * through the envelope of every narrowing hop of the chain: all or none. The grant's budget is
   * shared with every agent acting under it, so delegating cannot multiply a rate or a cap.
   */
  /**
   * Every grant that allows the call spends its envelope, and the call is admitted only if all
   * admit it: the tightest envelope wins, so an overlapping or re-approved duplicate grant never
   * adds its rate or cap to another's (two grants of 10/min still allow 10 calls a minute).
   */
  #admit(ctx: AgentContext, grantIds: readonly string[], tool: string, amounts: Readonly<Record<string, bigint>>, now: number): ReturnType<EnvelopeEnforcer['admit']> {
    const [root, ...narrowing] = principalsOf(ctx);
    const envelopes = [...grantIds].sort().map((grantId) => ({ agentId: root as string, grantId, envelope: this.#grant(root as string, grantId).envelope }));
    for (const p of narrowing) for (const g of this.#d.policy.grantsOf(p)) envelopes.push({ agentId: p, grantId: g.id, envelope: g.spec.envelope });
    const admitted: Admission[] = [];
    for (const e of envelopes) {
      const admission = this.#d.envelope.admit({ ...e, tool, amounts, now });
      if (!admission.ok) {
        for (const a of admitted) a.release();
        return admission;
      }
      admitted.push(admission);
    }
    if (admitted.length === 1) return admitted[0] as Admission;
    return { ok: true, commit: () => admitted.forEach((a) => a.commit()), release: () => admitted.forEach((a) => a.release()) };
  }

  /** Active, unexpired grants for the credential's environment: the agent's own, or for a delegated token its root agent's, narrowed by the chain. */
  #specs(ctx: AgentContext): GrantSpec[] {
    const now = this.#d.clock.now();
    const [root, ...narrowing] = principalsOf(ctx);
    const live = (agentId: string): GrantSpec[] =>
      this.#d.policy
        .grantsOf(agentId)
        .map((g) => g.spec)
        .filter((s) => s.environment === ctx.environment && (s.expiresAt === null || s.expiresAt > now));
    const last = narrowing[narrowing.length - 1];
    if (last === undefined) return live(root as string);
    // What a list shows must be what a call may do: the servers and tools of both.
    const outer = live(root as string);
    return live(last).map((n) => ({
      ...n,
      servers: Object.fromEntries(
        Object.entries(n.servers)
          .filter(([server]) => outer.some((g) => server in g.servers))
          .map(([server, sg]) => [server, { ...sg, tools: Object.fromEntries(Object.entries(sg.tools).filter(([tool]) => outer.some((g) => g.servers[server]?.tools[tool] !== undefined))) }]),
      ),
    }));
  }

  /** The servers a session may reach: its one server, or every configured server its grants name. */
  #serversOf(ctx: AgentContext, scope: SessionScope): string[] {
    return scope.kind === 'one' ? [scope.server] : this.#grantedServers(ctx);
  }

  #grantedServers(ctx: AgentContext): string[] {
    return [...new Set(this.#specs(ctx).flatMap((s) => Object.keys(s.servers)))].filter((s) => this.#d.downstream.has(s)).sort();
  }

  /** Runs `list` for each server the session may see; in the aggregated view a server that is down is left out rather than failing the list. */
  async #perServer<T>(ctx: AgentContext, scope: SessionScope, list: (server: string, specs: GrantSpec[]) => Promise<T[]>): Promise<T[]> {
    const specs = this.#specs(ctx);
    if (scope.kind === 'one') return specs.some((s) => scope.server in s.servers) ? list(scope.server, specs) : [];
    const results = await Promise.allSettled(this.#grantedServers(ctx).map((server) => list(server, specs)));
    return results.flatMap((r) => (r.status === 'fulfilled' ? r.value : []));
  }

  #allowed(ctx: AgentContext, action: 'prompts/get' | 'resources/read', resourceName: string, server?: string): boolean {
    const now = this.#d.clock.now();
    return principalsOf(ctx).every((agentId) => this.#d.policy.decide({ agentId, environment: ctx.environment, action, resourceName, server, args: {}, now }).allow);
  }

  /**
   * Appends the decision to the audit chain and waits for its commit. Argument values are never
   * stored: only the normalized constrained values the policy saw, and a keyed digest of the rest.
   */
  async #record(
    ctx: AgentContext,
    method: DecidedMethod,
    target: Target | null,
    decision: 'allow' | 'deny',
    extra: { grantIds?: string[]; rule: string; code?: ErrorCode; message?: string; normalized?: NormalizedArgs | null; args?: unknown },
  ): Promise<number> {
    const details: Record<string, unknown> = {
      method,
      jti: ctx.jti,
      rule: extra.rule,
      ...(extra.grantIds ? { grantIds: extra.grantIds } : {}),
      ...(extra.code ? { code: extra.code, message: extra.message } : {}),
      ...(extra.normalized ? { constrained: serializable(extra.normalized.context) } : {}),
      ...(extra.args !== undefined ? { argsDigest: this.#digest(extra.args) } : {}),
      // The whole chain: the human it traces back to, every actor (root first), the hop, the assurance.
      ...(ctx.delegation ? { sub: ctx.delegation.subject, act: ctx.delegation.actors, delegation: ctx.delegation.hopId, acr: ctx.delegation.acr } : {}),
    };
    const subject = target ? (method === 'resources/read' ? `${target.server}:${target.name}` : `${target.server}${TOOL_SEPARATOR}${target.name}`) : '-';
    // The request's DPoP proof is spent in the same commit: a replayed proof records nothing.
    const record = await this.#d.groupCommit(() => {
      ctx.spendProof?.();
      return this.#d.audit.append({ actor: ctx.spiffeId, kind: 'gateway.decision', subject, decision, details });
    });
    return record.seq;
  }

  #digest(args: unknown): string {
    let text: string;
    try {
      text = canonicalJson(args);
    } catch {
      text = String(args);
    }
    return createHmac('sha256', this.#d.digestKey).update(text).digest('base64url');
  }
}

/**
 * The Cedar principals a call must satisfy, all of them: the agent itself, or for a delegated
 * token the agent at the root of its chain (whose grants the chain draws on) and then each hop
 * that narrowed what it passed on (its authority compiled as a policy set of its own).
 */
function principalsOf(ctx: AgentContext): string[] {
  if (!ctx.delegation) return [ctx.agentId];
  return [ctx.delegation.rootAgentId, ...ctx.delegation.narrowing.map(delegationPrincipal)];
}

/** The constraints of every principal on the same arg paths, so each sees its arguments normalized. */
function mergeConstraints(maps: readonly Map<string, ArgConstraint[]>[]): Map<string, ArgConstraint[]> {
  const out = new Map<string, ArgConstraint[]>();
  for (const map of maps) for (const [path, list] of map) out.set(path, [...(out.get(path) ?? []), ...list]);
  return out;
}

/**
 * A resource URI as it is decided on and forwarded: the form the downstream will act on. Servers
 * parse it as a URL, which removes dot segments (also percent-encoded ones), so
 * ".../granted/../../secret" is read as "/secret"; percent-encoded separators and dots are refused,
 * not matched (core/resource-uri.ts).
 */
function resourceUriOf(raw: unknown): string | { problem: string } {
  const uri = typeof raw === 'string' && raw.length > 0 && raw.length <= 2048 ? normalizeResourceUri(raw) : null;
  if (uri !== null && uri.length <= 2048) return uri;
  const why = typeof raw === 'string' ? resourceUriProblem(raw) : null;
  return { problem: why ? `the URI cannot be matched safely: ${why}` : 'an absolute resource URI is required' };
}

function argumentsOf(method: DecidedMethod, params: Readonly<Record<string, unknown>>, lenient = false): Record<string, unknown> {
  const args = params.arguments;
  if (args === undefined) return {};
  if (typeof args !== 'object' || args === null || Array.isArray(args)) {
    if (lenient) return {};
    throw new CharonError('ERR_INVALID_INPUT', `${method}: "arguments" must be an object`);
  }
  return args as Record<string, unknown>;
}

const serializable = (context: Record<string, unknown>): Record<string, unknown> => JSON.parse(JSON.stringify(context)) as Record<string, unknown>;

/**
 * Expands a level-1 URI template (RFC 6570 `{name}`, the form MCP servers use) with `values`;
 * null when an expression has no value or uses an operator (the URI is not known whole).
 */
function expandTemplate(template: string, values: Readonly<Record<string, string>>): string | null {
  let whole = true;
  const uri = template.replace(/\{([^}]*)\}/g, (_m, name: string) => {
    const value = /^[A-Za-z0-9_]+$/.test(name) ? values[name] : undefined;
    if (value === undefined) {
      whole = false;
      return '';
    }
    return encodeURIComponent(value);
  });
  return whole ? uri : null;
}
