// What to paste into each MCP client so it reaches the gateway: through `charon connect` (stdio,
// with the agent's join token) or, for clients that speak OAuth, the HTTP URL alone. The shapes
// are each client's own (README: Connecting an MCP client).

export interface Snippet {
  readonly client: string;
  /** Where it goes. */
  readonly where: string;
  readonly text: string;
}

const DEFAULT_AGENT_URL = 'http://127.0.0.1:7470';

/** `charon connect` for this agent, as the argument list a client's config takes. */
function connectArgs(agentId: string, agentUrl: string, server: string | null): string[] {
  return ['charon', 'connect', '--agent', agentId, ...(agentUrl.replace(/\/$/, '') !== DEFAULT_AGENT_URL ? ['--url', agentUrl.replace(/\/$/, '')] : []), ...(server ? ['--server', server] : [])];
}

const json = (value: unknown): string => JSON.stringify(value, null, 2);

/** The stdio configs: the join token goes in the environment, used once, then the bridge keeps its credential. */
export function stdioSnippets(agentId: string, joinToken: string, agentUrl: string, server: string | null = null): Snippet[] {
  const args = connectArgs(agentId, agentUrl, server);
  const entry = { command: 'npx', args, env: { CHARON_JOIN_TOKEN: joinToken } };
  return [
    { client: 'Claude Desktop', where: 'claude_desktop_config.json', text: json({ mcpServers: { charon: entry } }) },
    { client: 'Claude Code', where: 'a terminal', text: `claude mcp add charon --env CHARON_JOIN_TOKEN=${joinToken} -- npx ${args.join(' ')}` },
    { client: 'Cursor', where: '~/.cursor/mcp.json', text: json({ mcpServers: { charon: entry } }) },
    { client: 'VS Code', where: '.vscode/mcp.json', text: json({ servers: { charon: { type: 'stdio', ...entry } } }) },
  ];
}

/** For clients that speak OAuth: only the URL; the consent arrives in Approvals. */
export function httpSnippets(agentUrl: string, server: string | null = null): Snippet[] {
  const url = `${agentUrl.replace(/\/$/, '')}/mcp${server ? `/${server}` : ''}`;
  return [
    { client: 'Claude Code', where: 'a terminal', text: `claude mcp add --transport http charon ${url}` },
    { client: 'Cursor', where: '~/.cursor/mcp.json', text: json({ mcpServers: { charon: { url } } }) },
    { client: 'VS Code', where: '.vscode/mcp.json', text: json({ servers: { charon: { type: 'http', url } } }) },
  ];
}
