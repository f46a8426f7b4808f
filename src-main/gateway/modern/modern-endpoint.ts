// The gateway for MCP 2026-07-28 clients: no session, every request authenticated (by the caller,
// McpGateway) and, for tools/call, resources/read and prompts/get, decided and recorded on its
// own, as for a 2025 session. Lists and reads carry caching hints that say "private": what an
// agent sees is filtered by its grants. A downstream's question to the agent becomes an
// input-required result; change notifications flow on subscriptions/listen streams.
import { createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { McpError, type LoggingLevel } from '@modelcontextprotocol/sdk/types.js';
import { canonicalJson } from '../../core/canonical-json.js';
import type { Clock } from '../../core/clock.js';
import { CharonError, isStoreFault } from '../../core/errors.js';
import type { AgentContext } from '../agent-context.js';
import type { DecidedMethod, Decision, GatewayBackend, SessionScope } from '../backend.js';
import type { DownstreamRouter } from '../downstream-router.js';
import { JSONRPC_INVALID_PARAMS, JSONRPC_REFUSED } from '../http-response.js';
import type { ResourceSubscriptions } from '../resource-subscriptions.js';
import { passesLogLevel } from '../session-channel.js';
import { ModernCall, type InputRequiredCalls } from './input-required.js';
import { ListenStream, type ListenFilter } from './listen-stream.js';
import { META, MODERN_CODES, SUPPORTED_VERSIONS, type ModernRequest } from './modern-request.js';
import { ResponseStream } from './response-stream.js';

const DECIDED: ReadonlySet<string> = new Set<DecidedMethod>(['tools/call', 'resources/read', 'prompts/get']);
/** Refusals for malformed input, not for missing authority. */
const BAD_INPUT: ReadonlySet<string> = new Set(['ERR_INVALID_INPUT', 'ERR_ARGUMENT_INVALID']);
/** Lists may be reused this long; a grant change is announced on listen streams at once. */
const LIST_TTL_MS = 60_000;
const MAX_RESOURCE_SUBSCRIPTIONS = 64;

export interface ModernEndpointDeps {
  readonly backend: GatewayBackend;
  readonly router: Pick<DownstreamRouter, 'track'>;
  readonly subscriptions: ResourceSubscriptions;
  readonly calls: InputRequiredCalls;
  /** Spends a proof left unspent (a retry is not decided again, but its proof is single-use all the same). */
  readonly spendProof: (ctx: AgentContext) => Promise<void>;
  /** A policy refusal as the 2025 path answers it (403 with the challenge, 429 with Retry-After). */
  readonly refuse: (res: ServerResponse, status: number, error: CharonError, id: string | number, headers?: Record<string, string>) => void;
  readonly version: string;
  readonly clock: Clock;
}

export class ModernEndpoint {
  readonly #d: ModernEndpointDeps;
  readonly listeners = new Set<ListenStream>();

  constructor(deps: ModernEndpointDeps) {
    this.#d = deps;
  }

  /** Serves a parsed, header-checked request of an authenticated agent. */
  async handle(res: ServerResponse, ctx: AgentContext, scope: SessionScope, request: ModernRequest): Promise<void> {
    if (request.id === undefined) {
      // No client notification is defined over HTTP in this revision: accepted and ignored.
      res.writeHead(202).end();
      return;
    }
    const stream = new ResponseStream(res, request.id);
    const meta = { _meta: { [META.serverInfo]: { name: 'charon-gateway', version: this.#d.version } } };
    const cacheable = (ttlMs: number) => ({ resultType: 'complete', ttlMs, cacheScope: 'private', ...meta });
    try {
      switch (request.method) {
        case 'server/discover':
          return stream.result({ supportedVersions: [...SUPPORTED_VERSIONS], capabilities: await this.#d.backend.capabilities(ctx, scope), instructions: 'Tools reached through Charon: every call is authorized against the grant your owner approved.', ...cacheable(LIST_TTL_MS) });
        case 'tools/list':
          return stream.result({ tools: await this.#d.backend.listTools(ctx, scope), ...cacheable(LIST_TTL_MS) });
        case 'prompts/list':
          return stream.result({ prompts: await this.#d.backend.listPrompts(ctx, scope), ...cacheable(LIST_TTL_MS) });
        case 'resources/list':
          return stream.result({ resources: await this.#d.backend.listResources(ctx, scope), ...cacheable(LIST_TTL_MS) });
        case 'resources/templates/list':
          return stream.result({ resourceTemplates: await this.#d.backend.listResourceTemplates(ctx, scope), ...cacheable(LIST_TTL_MS) });
        case 'completion/complete': {
          const result = await this.#d.backend.complete(ctx, scope, request.params as never, { signal: new AbortController().signal });
          return stream.result({ ...result, resultType: 'complete', ...meta });
        }
        case 'subscriptions/listen':
          return await this.#listen(res, ctx, scope, request);
        default:
          if (DECIDED.has(request.method)) return await this.#decided(res, stream, ctx, scope, request);
          // Removed in this revision (ping, logging/setLevel, resources/subscribe) or unknown: 404 with Method not found.
          return stream.error(404, MODERN_CODES.methodNotFound, `Method not found: ${request.method.slice(0, 60)}`, { code: 'ERR_METHOD_NOT_FOUND' });
      }
    } catch (error) {
      if (isStoreFault(error)) throw error;
      return answerFailure(stream, error);
    }
  }

  /** Ends an agent's streams and the calls waiting for its input (revoked, killed). */
  closeAgent(agentId: string): void {
    for (const listener of [...this.listeners]) if (listener.agentId === agentId) listener.close();
    this.#d.calls.closeAgent(agentId);
  }

  close(): void {
    for (const listener of [...this.listeners]) listener.close();
  }

  async #decided(res: ServerResponse, stream: ResponseStream, ctx: AgentContext, scope: SessionScope, request: ModernRequest): Promise<void> {
    const method = request.method as DecidedMethod;
    const binding = bindingOf(method, request.params);
    if (request.params.requestState !== undefined) {
      // A retry answering a question: the same call goes on; it was decided and recorded when it began.
      const call = this.#d.calls.find(request.params.requestState, ctx.agentId, binding);
      await this.#d.spendProof(ctx);
      this.#d.calls.resumed(call);
      const responses = request.params.inputResponses as Record<string, unknown> | undefined;
      const key = call.pendingKey;
      const answer = key === null ? undefined : responses?.[key];
      call.clientCapabilities = request.clientCapabilities;
      call.logLevel = request.logLevel;
      call.progressToken = request.progressToken;
      if (typeof answer === 'object' && answer !== null && !Array.isArray(answer)) call.answer(answer as Record<string, unknown>);
      // Not answered: the same question is put again (the revision says so, rather than an error).
      else call.askAgain();
      return this.#serve(call, stream);
    }
    const decision = await this.#d.backend.decide(ctx, scope, method, request.params);
    if (!decision.allow) {
      if (decision.code === 'ERR_RATE_LIMITED') return this.#d.refuse(res, 429, new CharonError(decision.code, decision.message), stream.id, { 'retry-after': String(Math.max(1, Math.ceil((decision.retryAfterMs ?? 1000) / 1000))) });
      if (BAD_INPUT.has(decision.code)) return stream.error(200, JSONRPC_INVALID_PARAMS, decision.message, { code: decision.code, message: decision.message });
      return this.#d.refuse(res, 403, new CharonError(decision.code, decision.message), stream.id);
    }
    const call = new ModernCall(ctx.agentId, binding, request.clientCapabilities);
    call.logLevel = request.logLevel;
    call.progressToken = request.progressToken;
    try {
      this.#d.calls.open(call);
    } catch (error) {
      decision.release();
      throw error;
    }
    decision.commit();
    this.#forward(call, method, decision);
    return this.#serve(call, stream);
  }

  /** Runs the downstream call; what it asks the agent and what it answers are delivered by #serve. */
  #forward(call: ModernCall, method: DecidedMethod, decision: Decision & { allow: true }): void {
    const untrack = this.#d.router.track({
      server: decision.server,
      agentId: call.agentId,
      channel: { wantsLog: (level) => call.logLevel !== null && passesLogLevel(level, call.logLevel as LoggingLevel), clientCapabilities: () => call.clientCapabilities },
      sendRequest: (question, options) => call.ask(question, options.signal),
      sendNotification: async (n) => call.stream?.notify(n.method, (n.params ?? {}) as Record<string, unknown>),
    });
    const options = {
      signal: call.abort.signal,
      onprogress: (p: { progress: number; total?: number; message?: string }) => {
        if (call.progressToken !== undefined) call.stream?.notify('notifications/progress', { progressToken: call.progressToken, ...p });
      },
    };
    const run = method === 'tools/call' ? this.#d.backend.callTool(decision, options) : method === 'resources/read' ? this.#d.backend.readResource(decision, options) : this.#d.backend.getPrompt(decision, options);
    void run.then(
      (result) => call.settle({ kind: 'done', result: { ...result, resultType: 'complete', ...(method === 'resources/read' ? { ttlMs: 0, cacheScope: 'private' } : {}) } }),
      (error: unknown) => call.settle({ kind: 'failed', error }),
    ).finally(untrack);
  }

  /** Answers `stream` with the call's next event: its result, or a question with the state to retry with. */
  async #serve(call: ModernCall, stream: ResponseStream): Promise<void> {
    call.stream = stream;
    // The agent closing the stream before the answer is its cancellation (2026-07-28 § Cancellation).
    stream.res.once('close', () => {
      if (!stream.sent && call.stream === stream) this.#d.calls.close(call, new CharonError('ERR_INVALID_INPUT', 'The agent cancelled the request'));
    });
    const event = await call.next();
    if (stream.closed) return;
    if (event.kind === 'input') {
      const requestState = this.#d.calls.awaitRetry(call);
      call.stream = null;
      return stream.result({ resultType: 'input_required', inputRequests: { [event.key]: { method: event.request.method, params: event.request.params ?? {} } }, requestState });
    }
    call.stream = null;
    this.#d.calls.close(call, new CharonError('ERR_INVALID_INPUT', 'The call completed'));
    if (event.kind === 'done') return stream.result(event.result);
    return answerFailure(stream, event.error);
  }

  async #listen(res: ServerResponse, ctx: AgentContext, scope: SessionScope, request: ModernRequest): Promise<void> {
    const asked = (typeof request.params.notifications === 'object' && request.params.notifications !== null ? request.params.notifications : {}) as Record<string, unknown>;
    const uris = Array.isArray(asked.resourceSubscriptions) ? asked.resourceSubscriptions.filter((u): u is string => typeof u === 'string').slice(0, MAX_RESOURCE_SUBSCRIPTIONS) : [];
    const filter: ListenFilter = { toolsListChanged: asked.toolsListChanged === true, promptsListChanged: asked.promptsListChanged === true, resourcesListChanged: asked.resourcesListChanged === true };
    const listener = new ListenStream(res, request.id as string | number, filter, scope, ctx);
    this.listeners.add(listener);
    listener.onclose = () => {
      this.listeners.delete(listener);
      void this.#d.subscriptions.dropSession(listener.session);
    };
    // What the agent sees now is the baseline: it is told when that changes.
    if (filter.toolsListChanged) listener.noteListed('tools', await this.#d.backend.listTools(ctx, scope).catch(() => []));
    if (filter.promptsListChanged) listener.noteListed('prompts', await this.#d.backend.listPrompts(ctx, scope).catch(() => []));
    if (filter.resourcesListChanged) listener.noteListed('resources', await this.#d.backend.listResources(ctx, scope).catch(() => []));
    // Only resources the agent may read are subscribed to; the acknowledgment names what was accepted.
    const accepted: string[] = [];
    for (const uri of uris) {
      try {
        const target = this.#d.backend.resourceTarget(ctx, scope, uri);
        await this.#d.subscriptions.add(listener.session, target.server, target.uri);
        accepted.push(uri);
      } catch {
        // Not readable, or the server cannot subscribe: left out of the acknowledgment.
      }
    }
    listener.acknowledge({ ...Object.fromEntries(Object.entries(filter).filter(([, on]) => on === true)), ...(uris.length > 0 ? { resourceSubscriptions: accepted } : {}) });
    // The credential that opened the stream bounds it: past its expiry the stream ends gracefully.
    const timer = setTimeout(() => listener.close(), Math.max(0, Math.min(2 ** 31 - 1, ctx.expiresAt - this.#d.clock.now())));
    timer.unref();
    res.once('close', () => clearTimeout(timer));
  }
}

/** What a retry must repeat to continue a call: the method, the target and the arguments, as a digest. */
function bindingOf(method: DecidedMethod, params: Readonly<Record<string, unknown>>): string {
  const target = method === 'resources/read' ? params.uri : params.name;
  let args: string;
  try {
    args = canonicalJson(params.arguments ?? {});
  } catch {
    args = String(params.arguments);
  }
  return createHash('sha256').update(`${method}\0${String(target)}\0${args}`).digest('base64url');
}

/** A failure as the agent reads it: Charon's code in data; a downstream's MCP error as it was; nothing else leaks. */
function answerFailure(stream: ResponseStream, error: unknown): void {
  if (error instanceof CharonError) {
    const invalid = error.code === 'ERR_REQUEST_STATE_INVALID' || BAD_INPUT.has(error.code);
    return stream.error(invalid ? 400 : 200, invalid ? JSONRPC_INVALID_PARAMS : JSONRPC_REFUSED, error.message, { code: error.code, message: error.message });
  }
  if (error instanceof McpError) return stream.error(200, error.code, error.message, (error.data ?? undefined) as Record<string, unknown> | undefined);
  return stream.error(500, -32603, 'Internal error in the gateway', { code: 'ERR_INTERNAL' });
}
