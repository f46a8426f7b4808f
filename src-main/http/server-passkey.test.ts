// Issue 13, item 4: the operator channel alone cannot create what needs a passkey. A server that
// Charon launches as a process runs a program as the user: adding it needs a fresh passkey
// assertion over exactly it, and a row written into the database behind Charon's back launches
// nothing. Through the real operator bridge and the real gateway listener.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayHarness } from '../test-support/gateway-harness.js';
import { refusalOf } from '../test-support/gateway-harness.js';
import { openOwnedGateway } from '../test-support/passkey-owner.js';
import { openRawDb } from '../test-support/raw-db.js';
import type { SoftAuthenticator } from '../test-support/soft-authenticator.js';
import { startOperatorBridge, type OperatorBridge } from './operator-bridge.js';

let h: GatewayHarness;
let auth: SoftAuthenticator;
let bridge: OperatorBridge;

beforeAll(async () => {
  ({ h, auth } = await openOwnedGateway({ servers: ['everything'] }));
  bridge = await startOperatorBridge({ handlers: h.plane.handlers, port: 0, staticDir: h.dataDir });
}, 30_000);
afterAll(async () => {
  await bridge?.close();
  await h?.close();
});

const call = async (method: string, input: unknown) => {
  const res = await fetch(`http://127.0.0.1:${bridge.port}/api/${method}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${bridge.secret}` }, body: JSON.stringify(input) });
  const body = (await res.json()) as { ok: boolean; value?: unknown; error?: { code: string } };
  return { status: res.status, code: body.error?.code, value: body.value as never };
};

/** A program that leaves a mark if it is ever started. */
const marking = (marker: string) => ({ command: process.execPath, args: ['-e', `require('fs').writeFileSync(${JSON.stringify(marker)}, 'ran')`] });

describe('servers Charon launches need the passkey', () => {
  it('bridge secret alone adds a command server: refused ERR_PASSKEY_REQUIRED, nothing stored, nothing run', async () => {
    const marker = join(h.dataDir, 'evil-ran');
    const refused = await call('servers.set', { name: 'evil', config: marking(marker) });
    expect(refused.code).toBe('ERR_PASSKEY_REQUIRED');
    expect(((await call('servers.list', {})).value as { name: string }[]).map((s) => s.name)).not.toContain('evil');
    expect(existsSync(marker)).toBe(false);
  });

  it('a passkey assertion over one server does not add another', async () => {
    const ceremony = (await call('servers.setBegin', { name: 'notes', config: marking(join(h.dataDir, 'notes-ran')) })).value as { ceremonyId: string; authentication: { challenge: string } };
    const swapped = await call('servers.set', { name: 'evil', config: marking(join(h.dataDir, 'evil2-ran')), ceremonyId: ceremony.ceremonyId, assertion: auth.assert(ceremony.authentication) });
    expect(swapped.code).toBe('ERR_CHALLENGE_INVALID');
  });

  it('with a fresh passkey assertion over exactly it, the server is added and starts', async () => {
    const config = { command: process.execPath, args: [join(process.cwd(), 'node_modules/@modelcontextprotocol/server-everything/dist/index.js')] };
    const ceremony = (await call('servers.setBegin', { name: 'approved', config })).value as { ceremonyId: string; authentication: { challenge: string } };
    const added = await call('servers.set', { name: 'approved', config, ceremonyId: ceremony.ceremonyId, assertion: auth.assert(ceremony.authentication) });
    expect(added.status).toBe(200);
    expect((await h.plane.downstream.listTools('approved')).length).toBeGreaterThan(0);
  });

  it("server row inserted behind Charon's back is launched: no — the gateway refuses ERR_SERVER_NOT_APPROVED and the program never runs", async () => {
    const marker = join(h.dataDir, 'sneaky-ran');
    const db = openRawDb(h.dataDir);
    db.prepare('INSERT INTO mcp_servers (name, config, created_at, updated_at) VALUES (?, ?, ?, ?)').run('sneaky', JSON.stringify(marking(marker)), 1, 1);
    db.close();
    const agent = await h.agent('sneaky-user', { dpop: false });
    await h.grant({ agentId: agent.id, environment: 'dev', servers: { sneaky: { tools: { anything: {} } } } });
    const client = await agent.connect('/mcp/sneaky');
    try {
      const refused = await refusalOf(client.callTool({ name: 'anything', arguments: {} }));
      expect(refused.code ?? refused.message).toMatch(/ERR_SERVER_NOT_APPROVED/);
    } finally {
      await client.close();
    }
    expect(existsSync(marker)).toBe(false);
  });
});
