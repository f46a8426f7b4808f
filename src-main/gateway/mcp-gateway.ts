import { randomUUID } from 'node:crypto';
import { requestOrigin } from '../core/request-origin.js';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { serverNameSchema } from '../../src-shared/grant.js';
import type { Clock } from '../core/clock.js';
import { CharonError, isStoreFault, toErrorPayload } from '../core/errors.js';
import { httpStatusOf } from '../core/http-status.js';
import type { AgentContext } from './agent-context.js';
import type { DecidedMethod, Decision, GatewayBackend, SessionScope } from './backend.js';
import type { DownstreamNotification, DownstreamRequest, DownstreamRequestExtra } from './downstream/downstream-manager.js';
import { DownstreamRouter } from './downstream-router.js';
import { JSONRPC_INVALID_PARAMS, writeRefusal } from './http-response.js';
import { metadataPathFor } from './protected-resource.js';
import { sessionServer, type RequestAuth } from './session-server.js';
import { SessionRegistry, type GatewaySession } from './sessions.js';
import { SessionTransport } from './session-transport.js';
import { ResourceSubscriptions } from './resource-subscriptions.js';
import { InputRequiredCalls } from './modern/input-required.js';
import { ModernEndpoint } from './modern/modern-endpoint.js';
import { isModernRequest, ModernRefusal, parseModernRequest, type ModernRequest } from './modern/modern-request.js';
import { normalizeResourceUri } from '../core/resource-uri.js';
import { challenges } from './www-authenticate.js';

const DECIDED: ReadonlySet<string> = new Set<DecidedMethod>(['tools/call', 'resources/read', 'prompts/get']);
const IDLE_SESSION_MS = 30 * 60 * 1000;
/** Refusals for malformed input, not for missing authority: answered as JSON-RPC "Invalid params", not 403 insufficient_scope. */
const BAD_INPUT: ReadonlySet<string> = new Set(['ERR_INVALID_INPUT', 'ERR_ARGUMENT_INVALID']);

export interface McpGatewayDeps {
  readonly backend: GatewayBackend;
  /** Full credential check (and DPoP proof) on every request; with `spendProofLater` the proof's jti is left to `ctx.spendProof`. */
  readonly authenticate: (req: IncomingMessage, requestUrl: string, options: { spendProofLater: boolean }) => Promise<AgentContext>;
  /** Spends a proof left unspent, in a commit of its own (a decided request refused before its decision). */
  readonly spendProof: (ctx: AgentContext) => Promise<void>;
  readonly knownServer: (name: string) => boolean;
  /** Subscribes the shared downstream to a resource's updates (once per URI: ResourceSubscriptions counts). */
  readonly resources: { subscribe(server: string, uri: string): Promise<void>; unsubscribe(server: string, uri: string): Promise<void> };
  readonly clock: Clock;
  /** A fresh DPoP nonce (RFC 9449 §8) to send when a proof lacked the current one. */
  readonly dpopNonce?: () => string;
  readonly version: string;
  /** Keys the requestState of a call waiting for a 2026-07-28 agent's input (never leaves the process). */
  readonly stateKey: Uint8Array;
}

/**
 * The MCP gateway over Streamable HTTP: `/mcp` serves every server the agent may use (tools
 * prefixed `server__tool`), `/mcp/<server>` one server with its own names. Each request is
 * authenticated afresh; each tools/call, resources/read and prompts/get is decided, and the
 * decision recorded, before anything is forwarded.
 */
export class McpGateway {
  readonly #d: McpGatewayDeps;
  readonly sessions = new SessionRegistry();
  readonly #router: DownstreamRouter;
  readonly #subscriptions: ResourceSubscriptions;
  readonly #modern: ModernEndpoint;

  constructor(deps: McpGatewayDeps) {
    this.#d = deps;
    this.#subscriptions = new ResourceSubscriptions({
      subscribe: deps.resources.subscribe,
      unsubscribe: deps.resources.unsubscribe,
      mayRead: (s, server, uri) => deps.backend.mayRead(s.ctx, s.scope, server, uri),
    });
    // 2025 sessions and 2026-07-28 listen streams are told of changes alike.
    const sessions = () => [...this.sessions.all(), ...[...this.#modern.listeners].map((l) => l.session)];
    this.#router = new DownstreamRouter({ sessions, backend: deps.backend, resourceUpdated: (server, uri) => this.#subscriptions.updated(server, uri) });
    this.#modern = new ModernEndpoint({
      backend: deps.backend,
      router: this.#router,
      subscriptions: this.#subscriptions,
      calls: new InputRequiredCalls({ clock: deps.clock, key: deps.stateKey }),
      spendProof: deps.spendProof,
      refuse: (res, status, error, id, headers) => this.#refuse(res, status, error, id, headers),
      version: deps.version,
      clock: deps.clock,
    });
  }

  /** A downstream's sampling / elicitation / roots request: answered by the agent whose call caused it, or refused. */
  downstreamRequest(server: string, request: DownstreamRequest, extra: DownstreamRequestExtra): Promise<Record<string, unknown>> {
    return this.#router.request(server, request, extra);
  }

  /** An agent's grants changed: its sessions get list_changed for what it may now see differently. */
  grantsChanged(agentId: string): void {
    this.#router.grantsChanged(agentId);
  }

  /** A downstream's notification (logging, list_changed, ...), passed to the sessions it concerns. */
  downstreamNotification(server: string, notification: DownstreamNotification): void {
    this.#router.notify(server, notification);
  }

  static handles(path: string): boolean {
    return path === '/mcp' || path.startsWith('/mcp/');
  }

  /** `body` is the parsed JSON of a POST (the listener reads it with its size limits). */
  async handle(req: IncomingMessage, res: ServerResponse, path: string, body: unknown): Promise<void> {
    // The listener already checked that Host names this loopback listener.
    const origin = requestOrigin(req);
    const refuse = (status: number, error: unknown, id: string | number | null = null, extraHeaders: Record<string, string> = {}): void => this.#refuse(res, status, error, id, extraHeaders);

    const scope = this.#scopeOf(path);
    if (!scope) return refuse(404, new CharonError('ERR_NOT_FOUND', 'No such MCP server'));

    const message = req.method === 'POST' ? jsonRpcMessage(body) : null;
    const decided = message !== null && typeof message.method === 'string' && DECIDED.has(message.method) && message.id !== undefined;
    const authFailure = (error: unknown): void => refuse(error instanceof CharonError && !isStoreFault(error) && error.code !== 'ERR_INTERNAL' ? 401 : 503, error);
    let ctx: AgentContext;
    try {
      // A decided call's proof is spent in the commit of its decision record (one commit per call).
      ctx = await this.#d.authenticate(req, `${origin}${path}`, { spendProofLater: decided });
    } catch (error) {
      return authFailure(error);
    }
    /** A decided request refused before its decision still spends its proof, so it cannot be replayed. */
    const refuseEarly = async (status: number, error: CharonError): Promise<void> => {
      try {
        await this.#d.spendProof(ctx);
      } catch (spendError) {
        return authFailure(spendError);
      }
      refuse(status, error);
    };

    if (isModernRequest(req, body)) {
      // MCP 2026-07-28: no session; the headers must mirror the body; each request stands alone.
      let request: ModernRequest;
      try {
        request = parseModernRequest(req, body);
      } catch (error) {
        if (!(error instanceof CharonError)) throw error;
        try {
          await this.#d.spendProof(ctx);
        } catch (spendError) {
          return authFailure(spendError);
        }
        if (error instanceof ModernRefusal) return writeModernError(res, 400, message?.id ?? null, error);
        return refuse(httpStatusOf(error.code), error, message?.id ?? null);
      }
      try {
        return await this.#modern.handle(res, ctx, scope, request);
      } catch (error) {
        if (error instanceof CharonError && error.code === 'ERR_DPOP_PROOF_REPLAYED') return authFailure(error);
        throw error;
      }
    }

    const sessionId = req.headers['mcp-session-id'];
    if (req.method === 'POST' && !message) {
      return refuse(400, new CharonError('ERR_INVALID_INPUT', 'The body must be one JSON-RPC message (batches are not part of MCP since 2025-06-18)'));
    }
    if (typeof sessionId === 'string' && sessionId.length > 128) return refuseEarly(400, new CharonError('ERR_INVALID_INPUT', 'Malformed Mcp-Session-Id'));

    let session: GatewaySession | null = null;
    let transport: SessionTransport;
    if (typeof sessionId === 'string') {
      session = this.sessions.find(sessionId, ctx.agentId, scope);
      // Another agent's session is reported as unknown: no oracle for session ids.
      if (!session) return refuseEarly(404, new CharonError('ERR_SESSION_NOT_FOUND', 'Unknown or expired MCP session; initialize a new one'));
      transport = session.transport;
    } else if (message?.method === 'initialize') {
      transport = new SessionTransport(randomUUID());
    } else {
      return refuseEarly(400, new CharonError('ERR_INVALID_INPUT', 'Mcp-Session-Id is required after initialize'));
    }
    // What the transport spec requires (Accept, protocol version, a valid message) is checked before anything is decided.
    let admitted: JSONRPCMessage | null;
    try {
      admitted = transport.admit(req, body);
    } catch (error) {
      if (error instanceof CharonError) return refuseEarly(httpStatusOf(error.code), error);
      throw error;
    }
    if (session) {
      session.lastUsedAt = this.#d.clock.now();
      session.ctx = ctx;
    } else {
      await this.#openSession(transport, ctx, scope);
    }

    let auth: RequestAuth = { ctx };
    if (decided && message) {
      let decision: Decision;
      try {
        decision = await this.#d.backend.decide(ctx, scope, message.method as DecidedMethod, paramsOf(message));
      } catch (error) {
        // A replayed proof is an authentication failure; its decision was not recorded.
        if (error instanceof CharonError && error.code === 'ERR_DPOP_PROOF_REPLAYED') return authFailure(error);
        throw error;
      }
      if (!decision.allow) {
        // A rate refusal is 429 with Retry-After (RFC 6585); every other refusal is 403.
        if (decision.code === 'ERR_RATE_LIMITED') return refuse(429, new CharonError(decision.code, decision.message), message.id, { 'retry-after': String(Math.max(1, Math.ceil((decision.retryAfterMs ?? 1000) / 1000))) });
        // A well-formed request with bad params gets a JSON-RPC error response (HTTP 200), as JSON-RPC
        // and the MCP transport have it: the agent's SDK sees McpError -32602 with the Charon code in data.
        if (BAD_INPUT.has(decision.code)) return writeRefusal(res, 200, { code: decision.code, message: decision.message }, {}, message.id, JSONRPC_INVALID_PARAMS);
        return refuse(403, new CharonError(decision.code, decision.message), message.id);
      }
      // Spent when the session server forwards it (it commits); a request that ends before
      // (the agent went away, the session closed) gives its reservation back.
      const once = settleOnce(decision);
      res.once('close', () => once.release());
      auth = { ctx, decision: once };
    }

    transport.handle(req, res, admitted, { token: ctx.jti, clientId: ctx.spiffeId, scopes: ctx.scope.split(' ').filter(Boolean), expiresAt: Math.floor(ctx.expiresAt / 1000), extra: auth as unknown as Record<string, unknown> });
  }

  /** A refusal with what the client needs to act on it: the challenge (RFC 6750 §3, RFC 9449 §7.1), a DPoP nonce. */
  #refuse(res: ServerResponse, status: number, error: unknown, id: string | number | null = null, extraHeaders: Record<string, string> = {}): void {
    const req = res.req;
    const origin = requestOrigin(req);
    const resourceMetadata = `${origin}${metadataPathFor(new URL(req.url ?? '/mcp', 'http://x').pathname)}`;
    const payload = toErrorPayload(error);
    const headers: Record<string, string> = { ...extraHeaders };
    if (status === 401 || payload.code === 'ERR_TOOL_NOT_ALLOWED') {
      const noCredential = payload.code === 'ERR_UNAUTHENTICATED' && !req.headers.authorization;
      headers['www-authenticate'] = challenges(noCredential ? 'missing' : payload.code, resourceMetadata, payload.message).join(', ');
    }
    if (payload.code === 'ERR_DPOP_NONCE_REQUIRED' && this.#d.dpopNonce) headers['dpop-nonce'] = this.#d.dpopNonce();
    writeRefusal(res, status, payload, headers, id);
  }

  /** Ends every session of an agent (revoked or killed): its next request must start over, and is refused. */
  async closeSessionsOf(agentId: string): Promise<void> {
    this.#modern.closeAgent(agentId);
    await Promise.all(this.sessions.ofAgent(agentId).map((s) => s.transport.close()));
  }

  /** Drops sessions idle for half an hour, so abandoned clients do not hold memory. */
  async reapIdle(): Promise<void> {
    await Promise.all(this.sessions.idleSince(this.#d.clock.now() - IDLE_SESSION_MS).map((s) => s.transport.close()));
  }

  async close(): Promise<void> {
    this.#modern.close();
    await Promise.all(this.sessions.all().map((s) => s.transport.close()));
  }

  #scopeOf(path: string): SessionScope | null {
    if (path === '/mcp') return { kind: 'all' };
    const name = path.slice('/mcp/'.length);
    return serverNameSchema.safeParse(name).success && this.#d.knownServer(name) ? { kind: 'one', server: name } : null;
  }

  async #openSession(transport: SessionTransport, ctx: AgentContext, scope: SessionScope): Promise<void> {
    const capabilities = await this.#d.backend.capabilities(ctx, scope);
    // The session object is created below; its subscriptions are keyed by it (its ctx follows each request).
    const made = {} as { session: GatewaySession };
    const channel = sessionServer(this.#d.backend, scope, {
      version: this.#d.version,
      capabilities,
      track: (call) => this.#router.track(call),
      subscriptions: {
        subscribe: (server, uri) => this.#subscriptions.add(made.session, server, uri),
        unsubscribe: (uri) => this.#subscriptions.remove(made.session, normalizeResourceUri(uri) ?? uri),
      },
    });
    const session: GatewaySession = { id: transport.sessionId, agentId: ctx.agentId, scope, transport, channel, ctx, lastUsedAt: this.#d.clock.now() };
    made.session = session;
    this.sessions.add(session);
    transport.onclose = () => {
      this.sessions.remove(transport.sessionId);
      void this.#subscriptions.dropSession(session);
    };
    await channel.server.connect(transport);
  }
}

/** Commit and release take effect once, whichever comes first; committing after a release refuses the call. */
function settleOnce(decision: Decision & { allow: true }): Decision & { allow: true } {
  let state: 'open' | 'committed' | 'released' = 'open';
  return {
    ...decision,
    commit: () => {
      if (state === 'released') throw new CharonError('ERR_TOOL_NOT_ALLOWED', 'The request ended before it was forwarded');
      if (state === 'open') {
        state = 'committed';
        decision.commit();
      }
    },
    release: () => {
      if (state !== 'open') return;
      state = 'released';
      decision.release();
    },
  };
}

interface JsonRpcMessage {
  readonly jsonrpc?: unknown;
  readonly method?: unknown;
  readonly id?: string | number;
  readonly params?: unknown;
}

function jsonRpcMessage(body: unknown): JsonRpcMessage | null {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return null;
  const m = body as JsonRpcMessage;
  if (m.id !== undefined && typeof m.id !== 'string' && typeof m.id !== 'number') return null;
  return m;
}

function paramsOf(message: JsonRpcMessage): Readonly<Record<string, unknown>> {
  return typeof message.params === 'object' && message.params !== null && !Array.isArray(message.params) ? (message.params as Record<string, unknown>) : {};
}

/** A refusal of the 2026-07-28 transport: its JSON-RPC code (HeaderMismatch, UnsupportedProtocolVersion) and data, with Charon's code. */
function writeModernError(res: ServerResponse, status: number, id: string | number | null, error: ModernRefusal): void {
  const body = JSON.stringify({ jsonrpc: '2.0', id, error: { code: error.jsonRpcCode, message: error.message, data: { ...error.data, code: error.code } } });
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store' }).end(body);
}
