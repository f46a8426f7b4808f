import { createHash } from 'node:crypto';
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { LoggingLevelSchema, type ClientCapabilities, type LoggingLevel, type ServerNotification } from '@modelcontextprotocol/sdk/types.js';

export type ListKind = 'tools' | 'prompts' | 'resources';

const SEVERITY = new Map<LoggingLevel, number>(LoggingLevelSchema.options.map((level, index) => [level, index]));

/** RFC 5424 order: whether a message at `level` passes a threshold (none set: everything passes). */
export function passesLogLevel(level: unknown, threshold: LoggingLevel | null): boolean {
  const severity = SEVERITY.get(level as LoggingLevel);
  if (severity === undefined) return false;
  return threshold === null || severity >= (SEVERITY.get(threshold) ?? 0);
}

/** A digest of each list a client was last shown, so a change is told only when what it sees changed. */
export class ListedDigests {
  readonly #digests = new Map<ListKind, string>();

  /** True when `items` differ from what was last noted for `kind` (or nothing was). */
  note(kind: ListKind, items: readonly unknown[]): boolean {
    const digest = createHash('sha256').update(JSON.stringify(items)).digest('base64url');
    const changed = this.#digests.get(kind) !== digest;
    this.#digests.set(kind, digest);
    return changed;
  }

  has(kind: ListKind): boolean {
    return this.#digests.has(kind);
  }
}

/**
 * What downstream events need of one agent session: its MCP server (to notify the agent), the
 * log level it asked for, and a digest of each list it was last shown, so a downstream's
 * list_changed reaches the agent only when the list the policy lets it see really changed.
 */
export class SessionChannel {
  #level: LoggingLevel | null = null;
  readonly #listed = new ListedDigests();

  constructor(readonly server: Server) {}

  /** What the agent's client declared at initialize (which downstream requests it can answer). */
  clientCapabilities(): ClientCapabilities | undefined {
    return this.server.getClientCapabilities();
  }

  setLogLevel(level: LoggingLevel): void {
    this.#level = level;
  }

  /** RFC 5424 order: a message below the session's level is not sent. */
  wantsLog(level: unknown): boolean {
    return passesLogLevel(level, this.#level);
  }

  /** Records what the agent was shown; true when it differs from what it saw before (or it never listed). */
  noteListed(kind: ListKind, items: readonly unknown[]): boolean {
    return this.#listed.note(kind, items);
  }

  hasListed(kind: ListKind): boolean {
    return this.#listed.has(kind);
  }

  /** A notification on the session's standalone stream (delivered if the agent opened one); never throws. */
  notify(notification: ServerNotification): void {
    this.server.notification(notification).catch(() => undefined);
  }
}
