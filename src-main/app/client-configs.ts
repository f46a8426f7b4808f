// Where the MCP clients people use keep their server tables, per platform, so the console can
// offer to put the servers already configured there behind the gateway. Only known file names
// under the user's home (or %APPDATA%) are read; nothing is searched for.
import { homedir } from 'node:os';
import { join } from 'node:path';
import { userConfigDir } from './data-dir.js';

export interface ClientConfigLocation {
  readonly client: string;
  readonly path: string;
}

/** The config files of Claude Desktop, Claude Code, Cursor, VS Code and Windsurf on this platform. */
export function clientConfigLocations(platform: NodeJS.Platform = process.platform, home = homedir(), env: NodeJS.ProcessEnv = process.env): ClientConfigLocation[] {
  const userConfig = userConfigDir(platform, home, env);
  return [
    { client: 'Claude Desktop', path: join(userConfig, 'Claude', 'claude_desktop_config.json') },
    { client: 'Claude Code', path: join(home, '.claude.json') },
    { client: 'Cursor', path: join(home, '.cursor', 'mcp.json') },
    { client: 'VS Code', path: join(userConfig, 'Code', 'User', 'mcp.json') },
    { client: 'VS Code', path: join(userConfig, 'Code', 'User', 'settings.json') },
    { client: 'Windsurf', path: join(home, '.codeium', 'windsurf', 'mcp_config.json') },
  ];
}
