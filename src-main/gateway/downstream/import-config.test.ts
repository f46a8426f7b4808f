// Importing the server table of MCP client config files: each entry validated on its own.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteStore, type Store } from '../../store/sqlite-store.js';
import { DownstreamManager } from './downstream-manager.js';
import { parseClientConfig } from '../../../src-shared/client-config.js';

describe('parseClientConfig', () => {
  it("reads Claude Desktop's mcpServers: stdio and remote entries, defaults filled in", () => {
    const parsed = parseClientConfig(
      JSON.stringify({
        globalShortcut: 'Ctrl+Space',
        mcpServers: {
          filesystem: { command: 'npx', args: ['-y', '@modelcontextprotocol/server-filesystem', '/Users/me/Desktop'] },
          github: { command: 'docker', args: ['run', '-i', 'ghcr.io/github/github-mcp-server'], env: { GITHUB_PERSONAL_ACCESS_TOKEN: 'ghp_x' } },
          remote: { url: 'https://mcp.example.com/mcp', headers: { Authorization: 'Bearer configured' } },
        },
      }),
    );
    expect(parsed.skipped).toEqual([]);
    expect(parsed.servers).toEqual([
      { name: 'filesystem', config: { command: 'npx', args: ['-y', '@modelcontextprotocol/server-filesystem', '/Users/me/Desktop'], env: {} } },
      { name: 'github', config: { command: 'docker', args: ['run', '-i', 'ghcr.io/github/github-mcp-server'], env: { GITHUB_PERSONAL_ACCESS_TOKEN: 'ghp_x' } } },
      { name: 'remote', config: { url: 'https://mcp.example.com/mcp', headers: { Authorization: 'Bearer configured' } } },
    ]);
  });

  it("reads VS Code's servers (with type tags) and settings.json's mcp.servers", () => {
    const vscode = parseClientConfig(JSON.stringify({ servers: { fetch: { type: 'stdio', command: 'uvx', args: ['mcp-server-fetch'] }, api: { type: 'http', url: 'http://127.0.0.1:8080/mcp' } }, inputs: [] }));
    expect(vscode.servers.map((s) => s.name)).toEqual(['fetch', 'api']);
    expect(vscode.servers[1]?.config).toEqual({ url: 'http://127.0.0.1:8080/mcp', headers: {} });
    const settings = parseClientConfig(JSON.stringify({ 'editor.fontSize': 14, mcp: { servers: { memory: { command: 'npx', args: ['@modelcontextprotocol/server-memory'] } } } }));
    expect(settings.servers.map((s) => s.name)).toEqual(['memory']);
  });

  it('skips each invalid entry with a reason and keeps the rest', () => {
    const parsed = parseClientConfig(
      JSON.stringify({
        mcpServers: {
          good: { command: 'node', args: ['server.js'] },
          'Bad_Name': { command: 'node' },
          nocommand: { args: ['x'] },
          extra: { command: 'node', disabled: true },
          legacy: { type: 'sse', url: 'https://example.com/sse' },
          mismatch: { type: 'http', command: 'node' },
          ftp: { url: 'ftp://example.com/mcp' },
          notobject: 'node server.js',
          badenv: { command: 'node', env: { 'BAD-NAME': 'x' } },
        },
      }),
    );
    expect(parsed.servers.map((s) => s.name)).toEqual(['good']);
    const reasons = Object.fromEntries(parsed.skipped.map((s) => [s.name, s.reason]));
    expect(Object.keys(reasons)).toEqual(['Bad_Name', 'nocommand', 'extra', 'legacy', 'mismatch', 'ftp', 'notobject', 'badenv']);
    expect(reasons.Bad_Name).toMatch(/^invalid name: must be 1-32 characters of a-z/);
    expect(reasons.nocommand).toMatch(/^invalid config: command: /);
    expect(reasons.extra).toMatch(/^invalid config: .*disabled/);
    expect(reasons.legacy).toMatch(/SSE transport is not supported/);
    expect(reasons.mismatch).toMatch(/inconsistent "type": "http"/);
    expect(reasons.ftp).toMatch(/^invalid config: url: /);
    expect(reasons.notobject).toBe('entry is not an object');
    expect(reasons.badenv).toMatch(/^invalid config: env/);
  });

  it('refuses a file that is not JSON or has no server table', () => {
    expect(() => parseClientConfig('{ not json')).toThrow(/not valid JSON/);
    expect(() => parseClientConfig(JSON.stringify({ theme: 'dark' }))).toThrow(/no "mcpServers" or "servers" object/);
    expect(() => parseClientConfig(JSON.stringify({ mcpServers: ['a'] }))).toThrow(/no "mcpServers"/);
  });
});

describe('DownstreamManager.importFrom', () => {
  let dir: string;
  let store: Store;
  let manager: DownstreamManager;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'charon-import-'));
    store = openSqliteStore(join(dir, 'charon.db'));
    manager = new DownstreamManager({ repo: store.mcpServers });
  });

  afterEach(async () => {
    await manager.close();
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('imports a Claude-Desktop-style file; existing names are kept unless overwrite', async () => {
    const file = join(dir, 'claude_desktop_config.json');
    writeFileSync(file, JSON.stringify({ mcpServers: { memory: { command: 'npx', args: ['-y', '@modelcontextprotocol/server-memory'] }, files: { command: 'npx', args: ['/tmp'] }, 'No Good': { command: 'x' } } }));
    await manager.set('files', { command: 'node', args: ['mine.js'], env: {} });

    const first = await manager.importFrom(file, false);
    expect(first.imported.map((s) => [s.name, s.state])).toEqual([['memory', 'stopped']]);
    expect(first.skipped.map((s) => s.name)).toEqual(['No Good', 'files']);
    expect(first.skipped[1]?.reason).toMatch(/exists \(import with overwrite to replace it\)/);
    expect(manager.statusOf('files').config).toEqual({ command: 'node', args: ['mine.js'], env: {} });

    const second = await manager.importFrom(file, true);
    expect(second.imported.map((s) => s.name)).toEqual(['memory', 'files']);
    expect(manager.statusOf('files').config).toEqual({ command: 'npx', args: ['/tmp'], env: {} });
    expect(manager.names()).toEqual(['files', 'memory']);
  });

  it('an unreadable or malformed file is ERR_INVALID_INPUT and imports nothing', async () => {
    await expect(manager.importFrom(join(dir, 'missing.json'), false)).rejects.toMatchObject({ code: 'ERR_INVALID_INPUT', message: expect.stringMatching(/cannot read .*ENOENT/) });
    await expect(manager.importFrom(dir, false)).rejects.toMatchObject({ code: 'ERR_INVALID_INPUT', message: expect.stringContaining('not a regular file') });
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"mcpServers": ');
    await expect(manager.importFrom(bad, false)).rejects.toMatchObject({ code: 'ERR_INVALID_INPUT', message: expect.stringContaining('is not an MCP client config: not valid JSON') });
    expect(manager.names()).toEqual([]);
  });
});
