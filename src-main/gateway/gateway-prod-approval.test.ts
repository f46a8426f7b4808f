// Issue 13, item 4: what lacks a verifiable passkey approval is not enforced (DESIGN invariant
// 12). A prod grant row written into charon.db behind Charon's back (say by a program the
// operator channel let run as the user) must allow nothing, through the real gateway.
import { randomBytes } from 'node:crypto';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson } from '../core/canonical-json.js';
import { refusalOf, textOf, type GatewayHarness } from '../test-support/gateway-harness.js';
import { approveWithPasskey, openOwnedGateway } from '../test-support/passkey-owner.js';
import { openRawDb } from '../test-support/raw-db.js';
import type { SoftAuthenticator } from '../test-support/soft-authenticator.js';
import { createHash } from 'node:crypto';

let h: GatewayHarness;
let auth: SoftAuthenticator;
beforeAll(async () => {
  ({ h, auth } = await openOwnedGateway({ servers: ['everything'] }));
}, 30_000);
afterAll(async () => h?.close());

const echoSpec = (agentId: string, tools: Record<string, object> = { echo: {} }) => ({ agentId, environment: 'prod' as const, servers: { everything: { tools, resources: [], prompts: [] } }, envelope: {}, expiresAt: null });
const echo = (client: Client) => client.callTool({ name: 'everything__echo', arguments: { message: 'prod' } });

/** Writes a grant row straight into the database file, as a program running as the user could. */
function insertGrantBehindCharon(spec: ReturnType<typeof echoSpec>): string {
  const id = `grt_${randomBytes(12).toString('base64url')}`;
  const db = openRawDb(h.dataDir);
  try {
    const now = h.clock.now();
    const json = canonicalJson(spec);
    db.prepare("INSERT INTO grants (id, agent_id, spec, spec_hash, state, created_at, created_by, updated_at, revoked_at, expires_at) VALUES (?, ?, ?, ?, 'ACTIVE', ?, 'operator', ?, NULL, NULL)").run(
      id, spec.agentId, json, createHash('sha256').update(json).digest('hex'), now, now,
    );
  } finally {
    db.close();
  }
  return id;
}

describe('prod grants need a verifiable passkey approval to be enforced', () => {
  it('prod grant row inserted behind Charon\'s back allows calls: refused ERR_TOOL_NOT_ALLOWED, and tools/list shows nothing', async () => {
    const agent = await h.agent('prod-forged', { environment: 'prod' });
    insertGrantBehindCharon(echoSpec(agent.id));
    const client = await agent.connect();
    try {
      expect((await client.listTools()).tools).toEqual([]);
      expect(await refusalOf(echo(client))).toMatchObject({ status: 403, code: 'ERR_TOOL_NOT_ALLOWED' });
      expect((await h.plane.handlers['grants.list']({ agentId: agent.id }))[0]).toBeDefined();
    } finally {
      await client.close();
    }
  });

  it('a passkey-approved prod grant is enforced at once; widened behind Charon\'s back it allows nothing more, and nothing at all', async () => {
    const agent = await h.agent('prod-approved', { environment: 'prod' });
    const request = h.plane.approvals.requests.request(agent.id, `spiffe://charon.local/agent/${agent.id}`, echoSpec(agent.id) as never, 'prod echo');
    const { grant } = await approveWithPasskey(h.plane, auth, request.id);
    const client = await agent.connect();
    try {
      expect(textOf(await echo(client))).toContain('prod');
      // Someone with the file adds a tool to the approved grant.
      const db = openRawDb(h.dataDir);
      db.prepare('UPDATE grants SET spec = ? WHERE id = ?').run(canonicalJson(echoSpec(agent.id, { echo: {}, 'get-sum': {} })), grant.id);
      db.close();
      expect(await refusalOf(client.callTool({ name: 'everything__get-sum', arguments: { a: 1, b: 2 } }))).toMatchObject({ status: 403, code: 'ERR_TOOL_NOT_ALLOWED' });
      expect(await refusalOf(echo(client))).toMatchObject({ status: 403, code: 'ERR_TOOL_NOT_ALLOWED' });
    } finally {
      await client.close();
    }
  });

  it('narrowing an approved prod grant keeps it enforced (the passkey signed the wider spec it came from)', async () => {
    const agent = await h.agent('prod-narrowed', { environment: 'prod' });
    const request = h.plane.approvals.requests.request(agent.id, `spiffe://charon.local/agent/${agent.id}`, echoSpec(agent.id, { echo: {}, 'get-sum': {} }) as never, 'prod tools');
    const { grant } = await approveWithPasskey(h.plane, auth, request.id);
    await h.plane.handlers['grants.narrow']({ id: grant.id, spec: echoSpec(agent.id) as never });
    const client = await agent.connect();
    try {
      await expect.poll(async () => (await client.listTools()).tools.map((t) => t.name)).toEqual(['everything__echo']);
      expect(textOf(await echo(client))).toContain('prod');
    } finally {
      await client.close();
    }
  });
});
