import type { AgentContext } from './agent-context.js';
import type { SessionScope } from './backend.js';
import type { NotificationChannel } from './downstream-router.js';

/** A live agent session (or subscriptions/listen stream) as subscriptions need it: who it is now, and where to tell it. */
export interface SubscribingSession {
  readonly scope: SessionScope;
  readonly ctx: AgentContext;
  readonly channel: Pick<NotificationChannel, 'notify'>;
}

export interface ResourceSubscriptionsDeps {
  /** Subscribes the shared downstream once per URI, however many sessions ask. */
  subscribe(server: string, uri: string): Promise<void>;
  unsubscribe(server: string, uri: string): Promise<void>;
  /** Asked again at every update: a grant revoked since the subscription stops the updates at once. */
  mayRead(session: SubscribingSession, server: string, uri: string): boolean;
}

const keyOf = (server: string, uri: string): string => `${server}\0${uri}`;

/**
 * Agents' resource subscriptions over shared downstreams: kept per session, subscribed downstream
 * once per URI, and an update delivered only to the sessions that subscribed to that URI and may
 * still read it. A downstream knows nothing of agents, so it never decides who hears of a change.
 */
export class ResourceSubscriptions {
  readonly #d: ResourceSubscriptionsDeps;
  readonly #subscribers = new Map<string, Set<SubscribingSession>>();
  readonly #ofSession = new Map<SubscribingSession, Map<string, { server: string; uri: string }>>();

  constructor(deps: ResourceSubscriptionsDeps) {
    this.#d = deps;
  }

  async add(session: SubscribingSession, server: string, uri: string): Promise<void> {
    const key = keyOf(server, uri);
    let sessions = this.#subscribers.get(key);
    if (sessions?.has(session)) return;
    const first = sessions === undefined;
    if (!sessions) this.#subscribers.set(key, (sessions = new Set()));
    sessions.add(session);
    let mine = this.#ofSession.get(session);
    if (!mine) this.#ofSession.set(session, (mine = new Map()));
    mine.set(key, { server, uri });
    if (!first) return;
    try {
      await this.#d.subscribe(server, uri);
    } catch (error) {
      this.#forget(session, key);
      throw error;
    }
  }

  /** Ends the session's subscriptions to `uri` (as subscribed, normalized), on any server. */
  async remove(session: SubscribingSession, uri: string): Promise<void> {
    const mine = [...(this.#ofSession.get(session)?.entries() ?? [])].filter(([, s]) => s.uri === uri);
    for (const [key, s] of mine) if (this.#forget(session, key)) await this.#d.unsubscribe(s.server, s.uri);
  }

  /** The session ended: its subscriptions go, and downstream ones nobody else holds. */
  async dropSession(session: SubscribingSession): Promise<void> {
    const mine = [...(this.#ofSession.get(session)?.entries() ?? [])];
    await Promise.all(mine.map(([key, { server, uri }]) => (this.#forget(session, key) ? this.#d.unsubscribe(server, uri).catch(() => undefined) : undefined)));
  }

  /** `server` says `uri` changed: tell each subscriber that may still read it. */
  updated(server: string, uri: string): void {
    for (const session of this.#subscribers.get(keyOf(server, uri)) ?? []) {
      if (this.#d.mayRead(session, server, uri)) session.channel.notify({ method: 'notifications/resources/updated', params: { uri } });
    }
  }

  /** How many sessions hold a subscription to `uri` on `server` (diagnostics and tests). */
  count(server: string, uri: string): number {
    return this.#subscribers.get(keyOf(server, uri))?.size ?? 0;
  }

  /** Drops one session's subscription; true when it was the last one (the downstream's can end). */
  #forget(session: SubscribingSession, key: string): boolean {
    const sessions = this.#subscribers.get(key);
    const mine = this.#ofSession.get(session);
    mine?.delete(key);
    if (mine?.size === 0) this.#ofSession.delete(session);
    if (!sessions?.delete(session)) return false;
    if (sessions.size > 0) return false;
    this.#subscribers.delete(key);
    return true;
  }
}
