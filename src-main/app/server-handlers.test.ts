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
    try {
      expect(t.plane.downstream.has('late')).toBe(false);
      await other.plane.handlers['servers.set']({ name: 'late', config: { command: process.execPath, args: ['-e', ''], env: {} } });
      expect(t.plane.downstream.has('late')).toBe(true);
      await other.plane.handlers['servers.remove']({ name: 'late' });
      expect(t.plane.downstream.has('late')).toBe(false);
    } finally {
      await other.plane.close();
    }
  });
});
