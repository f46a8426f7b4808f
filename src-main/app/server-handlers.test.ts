// The servers.* operator methods through a real control plane: persisted, audited, wired to
// the DownstreamManager, and children gone when the plane closes.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestPlane, type TestPlane } from '../test-support/control-plane.js';

const pagedServer = { command: process.execPath, args: [fileURLToPath(new URL('../gateway/downstream/test-fixtures/paged-server.mjs', import.meta.url))], env: {} };

let t: TestPlane;

beforeEach(async () => {
  t = await openTestPlane();
});

afterEach(async () => {
  await t.close();
});

describe('servers.* operator handlers', () => {
  it('set, list, use, remove; each change is in the audit chain', async () => {
    const h = t.plane.handlers;
    expect(await h['servers.list']({})).toEqual([]);
    const set = await h['servers.set']({ name: 'paged', config: pagedServer });
    expect(set).toMatchObject({ name: 'paged', state: 'stopped', restarts: 0, toolCount: null, config: pagedServer });

    // The gateway side uses what the operator configured, starting it on demand.
    expect(await t.plane.downstream.listTools('paged')).toHaveLength(7);
    const pid = t.plane.downstream.pidOf('paged');
    expect((await h['servers.list']({}))[0]).toMatchObject({ name: 'paged', state: 'running', toolCount: 7 });

    expect(await h['servers.remove']({ name: 'paged' })).toEqual({ removed: 'paged' });
    expect(await h['servers.list']({})).toEqual([]);
    expect(pid).not.toBeNull();
    expect(() => process.kill(pid ?? -1, 0)).toThrow();
    await expect(h['servers.remove']({ name: 'paged' })).rejects.toMatchObject({ code: 'ERR_NOT_FOUND' });

    const kinds = (await h['audit.list']({ limit: 100 })).filter((r) => r.kind.startsWith('server.'));
    expect(kinds.map((r) => [r.kind, r.subject, r.actor])).toEqual(
      expect.arrayContaining([
        ['server.set', 'paged', 'operator'],
        ['server.remove', 'paged', 'operator'],
      ]),
    );
    // Env values and header values can hold secrets: the audit record names them only.
    const setRecord = kinds.find((r) => r.kind === 'server.set');
    expect(setRecord?.details).toMatchObject({ transport: 'stdio', command: process.execPath, envNames: [] });
  });

  it('servers.import reports imported and skipped entries', async () => {
    const file = join(t.dataDir, 'claude_desktop_config.json');
    writeFileSync(file, JSON.stringify({ mcpServers: { paged: pagedServer, Broken: { command: 'x' }, remote: { url: 'https://mcp.example.com/mcp', headers: { 'X-Api-Key': 'k' } } } }));
    const report = await t.plane.handlers['servers.import']({ path: file, overwrite: false });
    expect(report.imported.map((s) => s.name)).toEqual(['paged', 'remote']);
    expect(report.skipped).toEqual([{ name: 'Broken', reason: expect.stringMatching(/^invalid name/) }]);
    expect((await t.plane.handlers['servers.list']({})).map((s) => s.name)).toEqual(['paged', 'remote']);
  });

  it('the control plane kills running children when it closes', async () => {
    await t.plane.handlers['servers.set']({ name: 'paged', config: pagedServer });
    await t.plane.downstream.listTools('paged');
    const pid = t.plane.downstream.pidOf('paged') ?? -1;
    await t.plane.downstream.close();
    expect(() => process.kill(pid, 0)).toThrow();
  });
});

describe('downstream configuration shared between processes', () => {
  it('a server added or removed by another process (the CLI) is seen by the gateway on its next use, despite the config cache', async () => {
    const other = await openTestPlane({}, t.dataDir);
    // The store reads another process's data version once per turn of the event loop; a request
    // from an agent always arrives on a turn of its own.
    const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
    try {
      expect(t.plane.downstream.has('late')).toBe(false);
      await other.plane.handlers['servers.set']({ name: 'late', config: { command: process.execPath, args: ['-e', ''], env: {} } });
      await nextTurn();
      expect(t.plane.downstream.has('late')).toBe(true);
      await other.plane.handlers['servers.remove']({ name: 'late' });
      await nextTurn();
      expect(t.plane.downstream.has('late')).toBe(false);
    } finally {
      await other.plane.close();
    }
  });
});

describe('servers.tools, servers.restart, servers.discover', () => {
  it('tools by name with their risk and arguments; a restart is a new process with the same approved config', async () => {
    const h = t.plane.handlers;
    await h['servers.set']({ name: 'paged', config: pagedServer });
    const tools = await h['servers.tools']({ name: 'paged' });
    expect(tools).toHaveLength(7);
    expect(tools[0]).toMatchObject({ name: expect.any(String), description: expect.any(String), risk: expect.stringMatching(/^(read|write|transact)$/), arguments: expect.any(Array) });
    const before = t.plane.downstream.pidOf('paged');
    const restarted = await h['servers.restart']({ name: 'paged' });
    expect(restarted.state).toBe('running');
    expect(t.plane.downstream.pidOf('paged')).not.toBe(before);
    expect((await h['audit.list']({ limit: 5, kind: 'server.restart' }))[0]).toMatchObject({ subject: 'paged', actor: 'operator' });
    await expect(h['servers.restart']({ name: 'nope' })).rejects.toMatchObject({ code: 'ERR_NOT_FOUND' });
  });

  it('discover reads the client config files that exist, says which servers Charon has already, and names a broken file', async () => {
    const dir = t.dataDir;
    writeFileSync(join(dir, 'cursor.json'), JSON.stringify({ mcpServers: { paged: pagedServer, other: { command: 'x', args: [] }, 'Bad Name': { command: 'y' } } }));
    writeFileSync(join(dir, 'desktop.json'), '{ not json');
    await t.plane.handlers['servers.set']({ name: 'paged', config: pagedServer });
    const { serverHandlers } = await import('./server-handlers.js');
    const handlers = serverHandlers({
      ...t.plane,
      clientConfigs: () => [
        { client: 'Cursor', path: join(dir, 'cursor.json') },
        { client: 'Claude Desktop', path: join(dir, 'desktop.json') },
        { client: 'Windsurf', path: join(dir, 'absent.json') },
      ],
    });
    const found = await handlers['servers.discover']({});
    expect(found.map((f) => f.client)).toEqual(['Cursor', 'Claude Desktop']);
    expect(found[0]?.servers.map((s) => [s.name, s.configured])).toEqual([
      ['paged', 'same'],
      ['other', null],
    ]);
    expect(found[0]?.skipped.map((s) => s.name)).toEqual(['Bad Name']);
    expect(found[1]?.error).toContain('not valid JSON');
  });
});
