import { remoteServerSchema, serverNameSchema, stdioServerSchema, type ServerConfig } from './mcp-servers.js';

export interface ImportCandidate {
  readonly name: string;
  readonly config: ServerConfig;
}

export interface SkippedEntry {
  readonly name: string;
  readonly reason: string;
}

export interface ParsedClientConfig {
  readonly servers: ImportCandidate[];
  readonly skipped: SkippedEntry[];
}

/** Transport tags the clients write; ours is implied by `command` or `url`. */
const STDIO_TYPES = new Set(['stdio']);
const HTTP_TYPES = new Set(['http', 'streamable-http', 'streamableHttp']);

/**
 * Reads the server table out of an MCP client's config file: `mcpServers` (Claude Desktop,
 * Cursor, Windsurf, Claude Code) or VS Code's `servers` (in .vscode/mcp.json) and `mcp.servers`
 * (in settings.json). Each entry is validated on its own: one bad entry is reported, not fatal.
 */
export function parseClientConfig(text: string): ParsedClientConfig {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new SyntaxError(`not valid JSON: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  const table = serverTable(document);
  if (table === null) throw new SyntaxError('no "mcpServers" or "servers" object found');
  const servers: ImportCandidate[] = [];
  const skipped: SkippedEntry[] = [];
  for (const [name, entry] of Object.entries(table)) {
    const result = parseEntry(name, entry);
    if ('reason' in result) skipped.push(result);
    else servers.push(result);
  }
  return { servers, skipped };
}

function serverTable(document: unknown): Record<string, unknown> | null {
  if (!isObject(document)) return null;
  if (isObject(document.mcpServers)) return document.mcpServers;
  if (isObject(document.servers)) return document.servers;
  const mcp = document.mcp;
  if (isObject(mcp) && isObject(mcp.servers)) return mcp.servers;
  // VS Code's settings.json may use the dotted key literally.
  if (isObject(document['mcp.servers'])) return document['mcp.servers'];
  return null;
}

function parseEntry(name: string, entry: unknown): ImportCandidate | SkippedEntry {
  const nameCheck = serverNameSchema.safeParse(name);
  if (!nameCheck.success) return { name, reason: `invalid name: ${nameCheck.error.issues[0]?.message ?? 'rejected'}` };
  if (!isObject(entry)) return { name, reason: 'entry is not an object' };
  const { type, ...rest } = entry;
  if (type !== undefined) {
    if (type === 'sse') return { name, reason: 'the legacy SSE transport is not supported; use Streamable HTTP' };
    const fits = typeof type === 'string' && (('command' in rest && STDIO_TYPES.has(type)) || ('url' in rest && HTTP_TYPES.has(type)));
    if (!fits) return { name, reason: `unsupported or inconsistent "type": ${JSON.stringify(type)}` };
  }
  // Validate against the shape the entry claims, so the message names the real problem.
  const parsed = ('url' in rest ? remoteServerSchema : stdioServerSchema).safeParse(rest);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
    return { name, reason: `invalid config: ${where}${issue?.message ?? 'rejected'}` };
  }
  return { name, config: parsed.data };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
