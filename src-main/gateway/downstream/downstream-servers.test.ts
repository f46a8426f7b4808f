// The downstream side against real MCP servers in real child processes: on-demand start, the
// whole list (pagination), calls, progress, resources, prompts, and server-initiated requests.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteStore, type Store } from '../../store/sqlite-store.js';
import { DownstreamManager } from './downstream-manager.js';
import { everythingServer, filesystemServer, isRunning, memoryServer, pagedServer } from './test-fixtures/servers.js';

let dir: string;
let store: Store;
let manager: DownstreamManager;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'charon-downstream-'));
  store = openSqliteStore(join(dir, 'charon.db'));
  manager = new DownstreamManager({ repo: store.mcpServers, options: { connectTimeoutMs: 10_000, requestTimeoutMs: 10_000 } });
  writeFileSync(join(dir, 'hello.txt'), 'hello from the filesystem server\n');
  await manager.set('memory', memoryServer(join(dir, 'memory.jsonl')));
  await manager.set('files', filesystemServer(dir));
  await manager.set('everything', everythingServer());
  await manager.set('paged', pagedServer());
});

afterAll(async () => {
  await manager.close();
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('servers start on demand', () => {
  it('nothing runs until first use; then the server is running with its tool count', async () => {
    expect(manager.status().map((s) => [s.name, s.state])).toEqual([
      ['everything', 'stopped'],
      ['files', 'stopped'],
      ['memory', 'stopped'],
      ['paged', 'stopped'],
    ]);
    expect(manager.pidOf('memory')).toBeNull();

    const tools = await manager.listTools('memory');
    expect(tools.map((t) => t.name)).toEqual(expect.arrayContaining(['create_entities', 'read_graph']));
    const status = manager.statusOf('memory');
    expect(status).toMatchObject({ state: 'running', restarts: 0, lastError: null, toolCount: tools.length });
    expect(status.startedAt).not.toBeNull();
    expect(isRunning(manager.pidOf('memory') ?? -1)).toBe(true);
    // Using one server starts only that one.
    expect(manager.statusOf('files').state).toBe('stopped');
  });

  it('calls a tool and sees its effect (server-memory)', async () => {
    await manager.callTool('memory', 'create_entities', { entities: [{ name: 'Charon', entityType: 'ferryman', observations: ['guards the gateway'] }] });
    const graph = await manager.callTool('memory', 'read_graph', {});
    expect(JSON.stringify(graph.content)).toContain('guards the gateway');
  });

  it('reads a file through server-filesystem on a temp dir', async () => {
    const result = await manager.callTool('files', 'read_text_file', { path: join(dir, 'hello.txt') });
    expect(result.isError ?? false).toBe(false);
    expect(result.content).toEqual([{ type: 'text', text: 'hello from the filesystem server\n' }]);
  });

  it("a tool's own failure is a result, and a server's JSON-RPC error stays an McpError", async () => {
    const outside = await manager.callTool('files', 'read_text_file', { path: '/etc/hostname' });
    expect(outside.isError).toBe(true);
    await expect(manager.getPrompt('everything', 'no-such-prompt')).rejects.toBeInstanceOf(McpError);
  });

  it('follows nextCursor to list every tool', async () => {
    const tools = await manager.listTools('paged');
    expect(tools.map((t) => t.name)).toEqual(['tool-0', 'tool-1', 'tool-2', 'tool-3', 'tool-4', 'tool-5', 'tool-6']);
    expect(manager.statusOf('paged').toolCount).toBe(7);
  });

  it("a child gets a minimal environment plus its configured env, none of the gateway's secrets", async () => {
    process.env.CHARON_TEST_SECRET = 'must-not-leak';
    try {
      await manager.set('env', { ...everythingServer(), env: { CONFIGURED: 'yes' } });
      const result = await manager.callTool('env', 'get-env', {});
      const text = JSON.stringify(result.content);
      expect(text).toContain('CONFIGURED');
      expect(text).not.toContain('must-not-leak');
    } finally {
      delete process.env.CHARON_TEST_SECRET;
      await manager.remove('env');
    }
  });

  it('an unknown server is ERR_NOT_FOUND', async () => {
    await expect(manager.listTools('nope')).rejects.toMatchObject({ code: 'ERR_NOT_FOUND' });
  });
});

describe('server-everything', () => {
  it('progress notifications arrive through onprogress before the result', async () => {
    const progress: { progress: number; total?: number }[] = [];
    const result = await manager.callTool('everything', 'trigger-long-running-operation', { duration: 0.6, steps: 3 }, { onprogress: (p) => progress.push(p) });
    // All of them, the last one too: it arrives right before the result (see progress-order.ts).
    expect(progress.map((p) => [p.progress, p.total])).toEqual([
      [1, 3],
      [2, 3],
      [3, 3],
    ]);
    expect(JSON.stringify(result.content)).toContain('Long running operation completed');
  });

  it('lists and reads resources, lists templates', async () => {
    const resources = await manager.listResources('everything');
    expect(resources.length).toBeGreaterThan(0);
    const first = resources[0];
    if (!first) throw new Error('no resource');
    const read = await manager.readResource('everything', first.uri);
    expect(read.contents[0]?.uri).toBe(first.uri);
    const templates = await manager.listResourceTemplates('everything');
    expect(templates.map((t) => t.uriTemplate)).toContain('demo://resource/dynamic/text/{resourceId}');
  });

  it('lists prompts and gets one with arguments', async () => {
    const prompts = await manager.listPrompts('everything');
    expect(prompts.map((p) => p.name)).toEqual(expect.arrayContaining(['simple-prompt', 'args-prompt']));
    const prompt = await manager.getPrompt('everything', 'args-prompt', { city: 'Paris', state: 'France' });
    expect(JSON.stringify(prompt.messages)).toContain('Paris');
  });

  it('a sampling request with no agent session is refused with a clear error, not left hanging', async () => {
    const started = Date.now();
    const outcome = await manager.callTool('everything', 'trigger-sampling-request', { prompt: 'hi', maxTokens: 5 }).then(
      (r) => JSON.stringify(r),
      (e: unknown) => String(e),
    );
    expect(outcome).toContain('no agent session');
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('a sampling request goes to the handler registered for the server', async () => {
    const seen: string[] = [];
    manager.onRequest('everything', async (request) => {
      seen.push(request.method);
      return { model: 'test-model', role: 'assistant', content: { type: 'text', text: 'answer from the agent' } };
    });
    try {
      const result = await manager.callTool('everything', 'trigger-sampling-request', { prompt: 'hi', maxTokens: 5 });
      expect(seen).toEqual(['sampling/createMessage']);
      expect(JSON.stringify(result.content)).toContain('answer from the agent');
    } finally {
      manager.onRequest('everything', null);
    }
  });

  it('notifications the server sends reach onNotification listeners', async () => {
    const seen: string[] = [];
    const off = manager.onNotification((server, n) => seen.push(`${server}:${n.method}`));
    try {
      // server-everything logs at once when simulated logging is switched on.
      await manager.callTool('everything', 'toggle-simulated-logging', {});
      await new Promise((resolve) => setTimeout(resolve, 300));
      await manager.callTool('everything', 'toggle-simulated-logging', {});
      expect(seen).toContain('everything:notifications/message');
    } finally {
      off();
    }
  });

  it('an aborted call rejects with the caller’s reason', async () => {
    const controller = new AbortController();
    const call = manager.callTool('everything', 'trigger-long-running-operation', { duration: 5, steps: 5 }, { signal: controller.signal });
    setTimeout(() => controller.abort(new Error('agent went away')), 100);
    await expect(call).rejects.toThrow('agent went away');
  });
});
