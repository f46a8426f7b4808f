import { describe, expect, it } from 'vitest';
import { clientConfigLocations } from './client-configs.js';

describe('clientConfigLocations', () => {
  it('names each client’s file where that platform keeps it', () => {
    const linux = clientConfigLocations('linux', '/home/ada', {});
    expect(linux.map((l) => l.path)).toEqual([
      '/home/ada/.config/Claude/claude_desktop_config.json',
      '/home/ada/.claude.json',
      '/home/ada/.cursor/mcp.json',
      '/home/ada/.config/Code/User/mcp.json',
      '/home/ada/.config/Code/User/settings.json',
      '/home/ada/.codeium/windsurf/mcp_config.json',
    ]);
    expect(clientConfigLocations('darwin', '/Users/ada', {})[0]?.path).toBe('/Users/ada/Library/Application Support/Claude/claude_desktop_config.json');
    expect(clientConfigLocations('linux', '/home/ada', { XDG_CONFIG_HOME: '/cfg' })[3]?.path).toBe('/cfg/Code/User/mcp.json');
  });
});
