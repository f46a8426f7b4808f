// Downstream MCP servers, in the `mcpServers` shape MCP clients already use.
import { z } from 'zod';
import { serverNameSchema } from './grant.js';

export const stdioServerSchema = z.strictObject({
  command: z.string().min(1).max(1024),
  args: z.array(z.string().max(4096)).max(256).default([]),
  env: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), z.string().max(8192)).default({}),
  cwd: z.string().max(4096).optional(),
});

export const remoteServerSchema = z.strictObject({
  url: z.url({ protocol: /^https?$/ }),
  headers: z.record(z.string().max(256), z.string().max(8192)).default({}),
});

export const serverConfigSchema = z.union([stdioServerSchema, remoteServerSchema]);
export type ServerConfig = z.infer<typeof serverConfigSchema>;
export type ServerConfigInput = z.input<typeof serverConfigSchema>;

export const SERVER_STATES = ['stopped', 'starting', 'running', 'backoff', 'failed'] as const;
export type ServerState = (typeof SERVER_STATES)[number];

export interface ServerStatusDto {
  readonly name: string;
  readonly config: ServerConfig;
  readonly state: ServerState;
  readonly restarts: number;
  readonly lastError: string | null;
  readonly toolCount: number | null;
  readonly startedAt: number | null;
}

/** What `servers.import` did: the servers it imported, and each entry it skipped with the reason. */
export interface ServerImportDto {
  readonly imported: ServerStatusDto[];
  readonly skipped: { readonly name: string; readonly reason: string }[];
}

/** An agent connected to the gateway: its open MCP sessions (one per client connection). */
export interface GatewayAgentSessionsDto {
  readonly agentId: string;
  readonly sessions: number;
  /** `*` for a session on the aggregate endpoint (/mcp), else the one server's name. */
  readonly servers: readonly string[];
  readonly lastUsedAt: number;
  /**
   * Sessions connected now: the client holds its event stream open, or called within the last
   * two minutes. The rest are idle (a client that exited without ending its session looks like
   * this) and are dropped after half an hour.
   */
  readonly connected: number;
}

export { serverNameSchema };

/** A downstream server's tool as the owner reads it before granting it. */
export interface ServerToolDto {
  readonly name: string;
  readonly title: string | null;
  readonly description: string;
  /** How much it can do, judged from its name (the approval card's scale), raised by a destructive hint. */
  readonly risk: 'read' | 'write' | 'transact';
  /** The arguments its input schema names (what a grant's constraints can reach). */
  readonly arguments: readonly { readonly name: string; readonly type: string | null; readonly required: boolean }[];
}

/** An MCP client's config file found on this machine, and the servers in it. */
export interface ClientConfigDto {
  /** "Claude Desktop", "Claude Code", "Cursor", "VS Code", "Windsurf". */
  readonly client: string;
  readonly path: string;
  readonly servers: readonly {
    readonly name: string;
    readonly config: ServerConfig;
    /** Whether Charon has a server of that name already: with the same config, or another one. */
    readonly configured: 'same' | 'different' | null;
  }[];
  readonly skipped: readonly { readonly name: string; readonly reason: string }[];
  /** Why the file could not be read, if it could not. */
  readonly error: string | null;
}
