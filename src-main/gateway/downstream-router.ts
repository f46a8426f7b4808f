import { ErrorCode, McpError, type ClientCapabilities, type ServerNotification, type ServerRequest } from '@modelcontextprotocol/sdk/types.js';
import type { AgentContext } from './agent-context.js';
import type { GatewayBackend, SessionScope } from './backend.js';
import type { DownstreamNotification, DownstreamRequest, DownstreamRequestExtra } from './downstream/downstream-manager.js';
import type { ListKind } from './session-channel.js';

/** Where what concerns one forwarded call goes: its log level and the capabilities its client declared. */
export interface CallChannel {
  wantsLog(level: unknown): boolean;
  clientCapabilities(): ClientCapabilities | undefined;
}

/** A forwarded call whose downstream has not answered yet: the agent session that may be asked back. */
export interface InFlightCall {
  readonly server: string;
  readonly agentId: string;
  readonly channel: CallChannel;
  /**
   * Asks the calling agent (a 2025 session: a request on the call's own response stream; a
   * 2026-07-28 client: an input-required result it answers by retrying the call).
   */
  readonly sendRequest: (request: ServerRequest, options: { signal: AbortSignal; timeout: number }) => Promise<Record<string, unknown>>;
  /** A notification on the call's own response stream. */
  readonly sendNotification: (notification: ServerNotification) => Promise<void>;
}

/** Where change notifications of one session or subscription stream go, and what it was last shown. */
export interface NotificationChannel {
  notify(notification: ServerNotification): void;
  wantsLog(level: unknown): boolean;
  hasListed(kind: ListKind): boolean;
  noteListed(kind: ListKind, items: readonly unknown[]): boolean;
}

/** A live agent session (or a 2026-07-28 subscriptions/listen stream), as the router sees it. */
export interface RoutedSession {
  readonly scope: SessionScope;
  readonly ctx: AgentContext;
  readonly channel: NotificationChannel;
}

export interface DownstreamRouterDeps {
  readonly sessions: () => Iterable<RoutedSession>;
  readonly backend: Pick<GatewayBackend, 'serves' | 'listTools' | 'listPrompts' | 'listResources'>;
  /** A downstream said a resource changed: the subscriptions decide who hears of it. */
  readonly resourceUpdated: (server: string, uri: string) => void;
}

/** Long enough for a person to answer an elicitation; each progress notification restarts it. */
const AGENT_REQUEST_TIMEOUT_MS = 10 * 60 * 1000;

/**
 * Routes what a downstream server initiates to the agent session it concerns. A downstream is
 * shared by every agent, and stdio carries no link between a server's request and the call that
 * caused it, so the in-flight calls decide: a request goes to the session whose call is in flight
 * on that server; with calls of several agents in flight it is refused rather than risk sending
 * one agent's context to another. Lists changed downstream are re-filtered by the policy per
 * session, and the agent is told only when what it may see changed.
 */
export class DownstreamRouter {
  readonly #d: DownstreamRouterDeps;
  readonly #inFlight = new Map<string, Set<InFlightCall>>();
  readonly #refreshing = new Map<string, { again: boolean }>();

  constructor(deps: DownstreamRouterDeps) {
    this.#d = deps;
  }

  /** Registers a call as in flight until the returned function is called. */
  track(call: InFlightCall): () => void {
    let calls = this.#inFlight.get(call.server);
    if (!calls) this.#inFlight.set(call.server, (calls = new Set()));
    calls.add(call);
    return () => {
      calls.delete(call);
      if (calls.size === 0 && this.#inFlight.get(call.server) === calls) this.#inFlight.delete(call.server);
    };
  }

  /** A downstream's sampling, elicitation or roots request: forwarded to the calling agent, or refused with a reason. */
  async request(server: string, request: DownstreamRequest, extra: DownstreamRequestExtra): Promise<Record<string, unknown>> {
    const call = this.#callerOf(server, request.method);
    const missing = missingCapability(request, call.channel.clientCapabilities());
    if (missing) throw new McpError(ErrorCode.InvalidRequest, `The agent's MCP client did not declare ${missing}, so Charon cannot forward ${request.method} from '${server}' to it`);
    const message = { method: request.method, ...(request.params ? { params: request.params } : {}) } as ServerRequest;
    return call.sendRequest(message, { signal: extra.signal, timeout: AGENT_REQUEST_TIMEOUT_MS });
  }

  /** A downstream's notification: logging to the sessions it concerns, list changes re-filtered per session; the rest is not for agents. */
  notify(server: string, notification: DownstreamNotification): void {
    switch (notification.method) {
      case 'notifications/message':
        return this.#log(server, notification.params ?? {});
      case 'notifications/tools/list_changed':
        return this.#listChanged(server, 'tools');
      case 'notifications/prompts/list_changed':
        return this.#listChanged(server, 'prompts');
      case 'notifications/resources/list_changed':
        return this.#listChanged(server, 'resources');
      case 'notifications/resources/updated':
        if (typeof notification.params?.uri === 'string') this.#d.resourceUpdated(server, notification.params.uri);
        return;
      default:
        // Tasks, elicitation/complete: no agent asked for them.
        return;
    }
  }

  /** The agent's grants changed: its sessions are told of each list whose filtered content changed. */
  grantsChanged(agentId: string): void {
    for (const kind of ['tools', 'prompts', 'resources'] as const) {
      this.#coalesced(`agent\0${agentId}\0${kind}`, () => Promise.all([...this.#d.sessions()].filter((s) => s.ctx.agentId === agentId).map((s) => this.#refresh(s, null, kind))));
    }
  }

  #callerOf(server: string, method: string): InFlightCall {
    const calls = [...(this.#inFlight.get(server) ?? [])];
    if (calls.length === 0) throw new McpError(ErrorCode.InvalidRequest, `Charon forwards ${method} from '${server}' only during an agent's call to it, and none is in flight`);
    if (new Set(calls.map((c) => c.agentId)).size > 1) {
      throw new McpError(ErrorCode.InvalidRequest, `Calls of several agents are in flight on '${server}': Charon cannot tell whose call sent ${method}, so it is refused rather than sent to the wrong agent`);
    }
    // One agent: its most recent call is the likeliest cause, and any of its sessions is the same principal.
    return calls[calls.length - 1] as InFlightCall;
  }

  #log(server: string, params: Readonly<Record<string, unknown>>): void {
    const message: ServerNotification = {
      method: 'notifications/message',
      params: { level: params.level as 'info', logger: typeof params.logger === 'string' ? `${server}/${params.logger}` : server, data: params.data },
    };
    const calls = [...(this.#inFlight.get(server) ?? [])];
    if (calls.length > 0) {
      // While calls run, a message may be about one of them: it goes to their session, never across agents.
      if (new Set(calls.map((c) => c.agentId)).size > 1) return;
      const latest = new Map(calls.map((c) => [c.channel, c]));
      for (const [channel, call] of latest) if (channel.wantsLog(params.level)) void call.sendNotification(message).catch(() => undefined);
      return;
    }
    for (const s of this.#d.sessions()) {
      if (s.channel.wantsLog(params.level) && this.#d.backend.serves(s.ctx, s.scope, server)) s.channel.notify(message);
    }
  }

  /** Re-lists for each session that has listed before. */
  #listChanged(server: string, kind: ListKind): void {
    this.#coalesced(`server\0${server}\0${kind}`, () => Promise.all([...this.#d.sessions()].map((s) => this.#refresh(s, server, kind))));
  }

  /** Runs `pass` now, unless one for `key` is running: then once more after it (several changes in a row cost two passes at most). */
  #coalesced(key: string, pass: () => Promise<unknown>): void {
    const running = this.#refreshing.get(key);
    if (running) {
      running.again = true;
      return;
    }
    const state = { again: false };
    this.#refreshing.set(key, state);
    void (async () => {
      try {
        do {
          state.again = false;
          await pass();
        } while (state.again);
      } finally {
        this.#refreshing.delete(key);
      }
    })();
  }

  /** `server` null: any server may have changed (a grant did). */
  async #refresh(s: RoutedSession, server: string | null, kind: ListKind): Promise<void> {
    if (!s.channel.hasListed(kind) || (server !== null && !this.#d.backend.serves(s.ctx, s.scope, server))) return;
    try {
      const items = await (kind === 'tools' ? this.#d.backend.listTools(s.ctx, s.scope) : kind === 'prompts' ? this.#d.backend.listPrompts(s.ctx, s.scope) : this.#d.backend.listResources(s.ctx, s.scope));
      if (s.channel.noteListed(kind, items)) s.channel.notify({ method: `notifications/${kind}/list_changed` });
    } catch {
      // The downstream is down: the agent's next list tells it so.
    }
  }
}

/** The client capability a request needs that the agent's client did not declare, if any. */
function missingCapability(request: DownstreamRequest, caps: ClientCapabilities | undefined): string | null {
  const params = request.params ?? {};
  switch (request.method) {
    case 'sampling/createMessage':
      if (!caps?.sampling) return 'the sampling capability';
      return params.tools !== undefined && !caps.sampling.tools ? 'sampling with tools' : null;
    case 'elicitation/create': {
      if (!caps?.elicitation) return 'the elicitation capability';
      const url = params.mode === 'url';
      const modes = caps.elicitation as { form?: unknown; url?: unknown };
      if (url) return modes.url ? null : 'URL-mode elicitation';
      // An empty elicitation capability means form mode (the spec's backwards-compatible default).
      return modes.form !== undefined || modes.url === undefined ? null : 'form-mode elicitation';
    }
    case 'roots/list':
      return caps?.roots ? null : 'the roots capability';
    default:
      return `support for ${request.method}`;
  }
}
