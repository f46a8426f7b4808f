import type { ServerResponse } from 'node:http';
import type { ServerNotification } from '@modelcontextprotocol/sdk/types.js';
import type { AgentContext } from '../agent-context.js';
import type { SessionScope } from '../backend.js';
import type { NotificationChannel } from '../downstream-router.js';
import { ListedDigests, type ListKind } from '../session-channel.js';
import { SSE_HEADERS, writeSseMessage } from '../sse.js';
import { META } from './modern-request.js';

/** What a client opted in to (2026-07-28 subscriptions/listen `notifications`). */
export interface ListenFilter {
  readonly toolsListChanged?: boolean;
  readonly promptsListChanged?: boolean;
  readonly resourcesListChanged?: boolean;
  readonly resourceSubscriptions?: readonly string[];
}

const KIND_OF: Record<string, keyof ListenFilter> = {
  'notifications/tools/list_changed': 'toolsListChanged',
  'notifications/prompts/list_changed': 'promptsListChanged',
  'notifications/resources/list_changed': 'resourcesListChanged',
};
const FILTER_OF: Record<ListKind, keyof ListenFilter> = { tools: 'toolsListChanged', prompts: 'promptsListChanged', resources: 'resourcesListChanged' };

const KEEP_ALIVE_MS = 25_000;

/**
 * One subscriptions/listen stream: an SSE response that stays open and carries only the change
 * notifications the client opted in to, each tagged with the subscription's id. The router and
 * the resource subscriptions treat it as a session: lists are re-filtered by the agent's policy,
 * and an update reaches it only while the agent may read the resource.
 */
export class ListenStream implements NotificationChannel {
  readonly #listed = new ListedDigests();
  readonly #keepAlive: NodeJS.Timeout;
  #closed = false;
  onclose: (() => void) | null = null;
  /** The session-shaped view the router and subscriptions use. */
  readonly session: { readonly scope: SessionScope; readonly ctx: AgentContext; readonly channel: NotificationChannel };

  constructor(
    readonly res: ServerResponse,
    readonly subscriptionId: string | number,
    readonly filter: ListenFilter,
    scope: SessionScope,
    ctx: AgentContext,
  ) {
    this.session = { scope, ctx, channel: this };
    res.writeHead(200, SSE_HEADERS);
    res.flushHeaders();
    // A comment now and then keeps intermediaries from closing a quiet stream.
    this.#keepAlive = setInterval(() => !this.#closed && res.write(':\n\n'), KEEP_ALIVE_MS);
    this.#keepAlive.unref();
    res.once('close', () => this.#ended());
  }

  get agentId(): string {
    return this.session.ctx.agentId;
  }

  /** The acknowledgment: what the server agreed to honor, before any notification. */
  acknowledge(accepted: ListenFilter): void {
    this.#write({ jsonrpc: '2.0', method: 'notifications/subscriptions/acknowledged', params: { _meta: { [META.subscriptionId]: this.subscriptionId }, notifications: accepted } });
  }

  notify(notification: ServerNotification): void {
    const kind = KIND_OF[notification.method];
    const wanted = kind !== undefined ? this.filter[kind] === true : notification.method === 'notifications/resources/updated';
    if (!wanted) return;
    const params = { ...(notification.params ?? {}), _meta: { ...((notification.params as { _meta?: object } | undefined)?._meta ?? {}), [META.subscriptionId]: this.subscriptionId } };
    this.#write({ jsonrpc: '2.0', method: notification.method, params });
  }

  /** Log lines belong to the request they concern, never to a listen stream. */
  wantsLog(): boolean {
    return false;
  }

  hasListed(kind: ListKind): boolean {
    return this.filter[FILTER_OF[kind]] === true && this.#listed.has(kind);
  }

  noteListed(kind: ListKind, items: readonly unknown[]): boolean {
    return this.#listed.note(kind, items);
  }

  /** A graceful end (the server's initiative): the listen request's own response, then the stream closes. */
  close(): void {
    if (this.#closed) return;
    this.#write({ jsonrpc: '2.0', id: this.subscriptionId, result: { resultType: 'complete', _meta: { [META.subscriptionId]: this.subscriptionId } } });
    this.res.end();
    this.#ended();
  }

  #write(message: unknown): void {
    if (!this.#closed) writeSseMessage(this.res, message);
  }

  #ended(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#keepAlive);
    this.onclose?.();
  }
}
