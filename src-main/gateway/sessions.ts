import type { AgentContext } from './agent-context.js';
import type { SessionScope } from './backend.js';
import type { SessionChannel } from './session-channel.js';
import type { SessionTransport } from './session-transport.js';

export interface GatewaySession {
  readonly id: string;
  /** A session belongs to the agent that opened it; another agent's credential cannot use it. */
  readonly agentId: string;
  readonly scope: SessionScope;
  readonly transport: SessionTransport;
  readonly channel: SessionChannel;
  /** The credential of its latest request (which environment's grants apply). */
  ctx: AgentContext;
  lastUsedAt: number;
}

/** Live MCP sessions; idle ones are closed so memory stays bounded. */
export class SessionRegistry {
  readonly #sessions = new Map<string, GatewaySession>();

  add(session: GatewaySession): void {
    this.#sessions.set(session.id, session);
  }

  /** The session, if it exists, belongs to this agent, and serves the same path. */
  find(id: string, agentId: string, scope: SessionScope): GatewaySession | null {
    const session = this.#sessions.get(id);
    if (!session || session.agentId !== agentId || !sameScope(session.scope, scope)) return null;
    return session;
  }

  remove(id: string): void {
    this.#sessions.delete(id);
  }

  /** Sessions of one agent (closed when it is revoked). */
  ofAgent(agentId: string): GatewaySession[] {
    return [...this.#sessions.values()].filter((s) => s.agentId === agentId);
  }

  idleSince(before: number): GatewaySession[] {
    return [...this.#sessions.values()].filter((s) => s.lastUsedAt < before);
  }

  all(): GatewaySession[] {
    return [...this.#sessions.values()];
  }

  get size(): number {
    return this.#sessions.size;
  }
}

function sameScope(a: SessionScope, b: SessionScope): boolean {
  return a.kind === b.kind && (a.kind === 'all' || (b.kind === 'one' && a.server === b.server));
}
