// The owner's day in the console, against its own real control plane (a fresh data directory,
// so the screenshots are the same on every run): an agent registered elsewhere appears by
// itself; a grant is approved with a passkey; the agent's calls stream into the audit feed;
// revoking it in the inventory makes its next gateway call fail; the reaper is previewed and
// applied; a delegation chain is cut in the graph. Then every view is photographed, light and dark.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { expect, test } from '@playwright/test';
import { ApprovalsPage } from './pages/approvals-page.js';
import { AuditPage } from './pages/audit-page.js';
import { ConsolePage, type ViewName } from './pages/console-page.js';
import { DelegationPage } from './pages/delegation-page.js';
import { GatewayPage } from './pages/gateway-page.js';
import { IdentitiesPage } from './pages/identities-page.js';
import { OverviewPage } from './pages/overview-page.js';
import { ReaperPage } from './pages/reaper-page.js';
import { SettingsPage } from './pages/settings-page.js';
import { activeAgent, agentFor, exchangeToken, operatorFor } from './support/operator.js';
import { screenshotBothThemes } from './support/screenshots.js';
import { startServe, type RunningServe } from './support/serve.js';
import { addVirtualAuthenticator } from './support/virtual-authenticator.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const memoryServer = fileURLToPath(new URL('../node_modules/@modelcontextprotocol/server-memory/dist/index.js', import.meta.url));
let dataDir = '';
let serve: RunningServe | null = null;

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'charon-e2e-flows-'));
  serve = await startServe(root, dataDir);
});

test.afterAll(async () => {
  await serve?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

function running(): RunningServe {
  if (!serve) throw new Error('charon serve did not start');
  return serve;
}

async function mcpClient(agentUrl: string, svid: string): Promise<Client> {
  const client = new Client({ name: 'e2e-scout', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL('/mcp', agentUrl), { requestInit: { headers: { authorization: `Bearer ${svid}` } } }));
  return client;
}

/** The HTTP status of an MCP initialize on the gateway with this credential. */
async function mcpInitialize(agentUrl: string, token: string): Promise<number> {
  const response = await fetch(new URL('/mcp', agentUrl), {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'e2e', version: '1' } } }),
  });
  await response.body?.cancel();
  return response.status;
}

test('register, approve with a passkey, watch decisions stream, revoke and see the next call denied, reap', async ({ page }) => {
  const { bridgeUrl, agentUrl } = running().ready;
  const operator = operatorFor(bridgeUrl);
  const agentCall = agentFor(agentUrl);
  const shell = new ConsolePage(page);
  const inventory = new IdentitiesPage(page);
  const approvals = new ApprovalsPage(page);
  const audit = new AuditPage(page);
  // A stand-in for the OS notification centre, already allowed: records what the console announces.
  await page.addInitScript(() => {
    const shown: string[] = [];
    // Called with `new` by the console; a plain function is a constructor too.
    const RecordingNotification = Object.assign(
      function record(title: string, options?: { body?: string }) {
        shown.push(`${title}: ${options?.body ?? ''}`);
      },
      { permission: 'granted', requestPermission: () => Promise.resolve('granted') },
    );
    Object.assign(globalThis, { Notification: RecordingNotification, shownNotifications: shown });
  });
  await shell.open(bridgeUrl);
  await expect(shell.live).toHaveText('● live');
  await addVirtualAuthenticator(page);

  await test.step('an agent registered outside the console appears in the inventory by itself', async () => {
    await shell.show('Identities');
    await operator('servers.set', { name: 'memory', config: { command: process.execPath, args: [memoryServer], env: { MEMORY_FILE_PATH: join(dataDir, 'memory.jsonl') } } });
    for (const [id, owner] of [['builder', 'alice'], ['night-crawler', 'alice'], ['report-bot', 'bob']] as const) await operator('identities.register', { id, owner, environment: 'dev' });
    await expect(inventory.row('report-bot')).toContainText('PROVISIONED');
  });

  const svid = await activeAgent(bridgeUrl, agentUrl, 'scout', 'alice');
  await expect(inventory.row('scout')).toContainText('ACTIVE');

  await test.step('the agent asks for a grant; the owner approves it with the passkey', async () => {
    await shell.show('Settings');
    await approvals.enrollPasskey('virtual authenticator');
    await shell.show('Approvals');
    const spec = { agentId: 'scout', environment: 'dev', servers: { memory: { tools: { read_graph: {}, create_entities: {} } } } };
    const requested = await agentCall<{ id: string }>('POST', '/v1/grant-requests', svid, { spec, purpose: 'Keep notes on what I find' });
    expect(requested.status).toBe(201);
    await expect(shell.badge('approvals')).toContainText('1');
    await expect(page).toHaveTitle('(1) Charon');
    await expect.poll(() => page.evaluate(() => (globalThis as unknown as { shownNotifications: string[] }).shownNotifications)).toEqual(['Charon: approval requested: scout asks for a grant (risk: write)']);
    const card = approvals.request('scout', 2);
    await expect(card).toContainText('Risk: write');
    await expect(card).toContainText('Keep notes on what I find');
    await approvals.approve('scout', 2);
    await expect(shell.badge('approvals')).toBeHidden();
  });

  await test.step('the identity shows its grants, each marked with whether the passkey approved it', async () => {
    await operator('grants.create', { spec: { agentId: 'scout', environment: 'dev', servers: { memory: { tools: { search_nodes: {} } } } } });
    await shell.show('Identities');
    const detail = await inventory.manage('scout');
    const grants = detail.getByRole('list', { name: 'Grants of scout' });
    await expect(grants.getByRole('listitem').filter({ hasText: 'memory__read_graph' })).toContainText('approved with your passkey');
    await expect(grants.getByRole('listitem').filter({ hasText: 'memory__search_nodes' })).toContainText('no passkey: created from the operator channel');
    await detail.getByRole('button', { name: 'Close' }).click();
  });

  await test.step("the agent's calls stream into the audit feed as they are decided", async () => {
    await shell.show('Audit log');
    const client = await mcpClient(agentUrl, svid);
    try {
      const result = await client.callTool({ name: 'memory__read_graph', arguments: {} });
      expect(result.isError ?? false).toBe(false);
    } finally {
      await client.close();
    }
    await audit.filter({ agent: 'scout', kind: 'gateway.decision', decision: 'allow' });
    await expect(audit.newest).toContainText('gateway.decision');
    await expect(audit.newest).toContainText('allow');
  });

  let rotated = '';
  await test.step("rotate the agent's live credential from the inventory", async () => {
    await shell.show('Identities');
    const detail = await inventory.manage('scout');
    const credentials = detail.getByRole('list', { name: 'Live credentials of scout' });
    await expect(credentials.getByRole('meter')).toHaveCount(1);
    await credentials.getByRole('button', { name: /^Rotate credential/ }).click();
    const dialog = page.getByRole('dialog', { name: 'New credential for scout' });
    rotated = (await dialog.getByTestId('one-time-secret').textContent())?.trim() ?? '';
    expect(rotated.split('.')).toHaveLength(3);
    await dialog.getByRole('button', { name: 'Done' }).click();
    // The old one is refused at once; the new one works.
    expect(await mcpInitialize(agentUrl, svid)).toBe(401);
    expect(await mcpInitialize(agentUrl, rotated)).toBe(200);
  });

  await test.step('revoke in the inventory: the next gateway call is refused', async () => {
    const detail = inventory.detail('scout');
    await detail.getByRole('button', { name: 'Revoke scout' }).click();
    await inventory.confirm('Revoke scout?', 'Revoke', 'e2e: revoked from the inventory');
    await expect(inventory.row('scout')).toContainText('REVOKED');
    expect(await mcpInitialize(agentUrl, rotated)).toBe(401);
  });

  await test.step('preview the reaper and apply one action', async () => {
    // Bob leaves: his agents become orphans, which the reaper proposes to revoke and decommission.
    await operator('owners.set', { id: 'bob', state: 'DEPARTED', reason: 'left the team' });
    await shell.show('Reaper');
    const reaper = new ReaperPage(page);
    await expect(reaper.action('report-bot')).toContainText('orphan');
    await reaper.applySelected(['report-bot']);
    await expect(shell.status(/^Applied 1 action/)).toBeVisible();
    await expect(reaper.action('report-bot')).toHaveCount(0);
    await shell.show('Identities');
    await expect(inventory.row('report-bot')).toContainText('DECOMMISSIONED');
  });

  await test.step('see a delegation chain in the graph and cut it', async () => {
    // A real chain: the owner authorizes planner-2 over the operator API; planner-2 hands a slice
    // to coder, and coder a narrower one to tester, each by token exchange on the agent listener.
    const own: Record<string, string> = {};
    for (const id of ['planner-2', 'coder', 'tester']) own[id] = await activeAgent(bridgeUrl, agentUrl, id, 'alice', ['files:read', 'files:write']);
    const root = await operator<{ token: string }>('delegation.authorize', { ownerId: 'alice', agentId: 'planner-2' });
    const toCoder = await exchangeToken(agentUrl, root.token, own.coder ?? '', 'files:read files:write');
    const toTester = await exchangeToken(agentUrl, toCoder.access_token, own.tester ?? '', 'files:read');
    expect(await mcpInitialize(agentUrl, toTester.access_token)).toBe(200);
    await shell.show('Delegation');
    const delegation = new DelegationPage(page);
    await expect(delegation.node('tester')).toBeVisible();
    await expect(delegation.hops).toContainText('files:read files:write');
    await delegation.cut('coder', 'e2e: cut the chain below the planner');
    // The cut agent and everything below it show as cut; the planner above does not.
    await expect(delegation.node('coder')).toHaveClass(/dg-cut/);
    await expect(delegation.node('tester')).toHaveClass(/dg-cut/);
    await expect(delegation.node('planner-2')).not.toHaveClass(/dg-cut/);
    await expect(delegation.hops.getByRole('row').filter({ hasText: 'tester' })).toContainText('cut');
    // And it is cut for real: the token delegated below the cut no longer opens the gateway.
    expect(await mcpInitialize(agentUrl, toTester.access_token)).toBe(401);
  });

  expect(shell.errors).toEqual([]);
});

test('every view, light and dark', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  const { bridgeUrl, agentUrl } = running().ready;
  const operator = operatorFor(bridgeUrl);
  // Something to look at: a connected agent, a pending request, a credential counting down.
  const svid = await activeAgent(bridgeUrl, agentUrl, 'planner', 'alice');
  await operator('credentials.issue', { agentId: 'planner', ttlSeconds: 600 });
  // A grant to read in the Grants view: one constrained tool, a rate, an expiry.
  await operator('grants.create', { spec: { agentId: 'planner', environment: 'dev', servers: { memory: { tools: { search_nodes: { args: { query: { pattern: 'project *' } } }, read_graph: {} } } }, envelope: { rate: { perMinute: 30, burst: 10 } }, expiresAt: Date.now() + 7 * 86_400_000, purpose: 'Plan from the notes' } });
  await agentFor(agentUrl)('POST', '/v1/grant-requests', svid, { spec: { agentId: 'planner', environment: 'dev', servers: { memory: { tools: { delete_entities: {} } } } }, purpose: 'Tidy up stale notes' });
  // An owner leaves: the reaper has an orphan to propose.
  await operator('identities.register', { id: 'archiver', owner: 'carol', environment: 'prod' });
  await operator('owners.set', { id: 'carol', state: 'DEPARTED', reason: 'moved on' });
  const client = await mcpClient(agentUrl, svid);
  const shell = new ConsolePage(page);
  try {
    await shell.open(bridgeUrl);
    const views: readonly [ViewName, string][] = [
      ['Overview', 'overview'],
      ['Approvals', 'approvals'],
      ['Identities', 'inventory'],
      ['Grants', 'grants'],
      ['Owners', 'owners'],
      ['Audit log', 'audit'],
      ['Delegation', 'delegation'],
      ['Reaper', 'reaper'],
      ['Gateway', 'gateway'],
      ['Settings', 'settings'],
    ];
    for (const [view, file] of views) {
      await shell.show(view);
      if (view === 'Identities') await new IdentitiesPage(page).manage('planner');
      if (view === 'Grants') await page.getByRole('table', { name: 'Grants' }).locator('tr[data-grant]').filter({ hasText: 'planner' }).first().getByRole('button').first().click();
      if (view === 'Gateway') await expect(new GatewayPage(page).connected('planner')).toBeVisible();
      if (view === 'Overview') await expect(new OverviewPage(page).counts).toBeVisible();
      if (view === 'Settings') await expect(new SettingsPage(page).keys).toBeVisible();
      // Headless, the master key is a 0600 file: Settings says so rather than implying an OS seal.
      if (view === 'Settings') await expect(page.getByTestId('key-protection')).toContainText('master-key.json, readable only by you');
      if (view === 'Delegation') await new DelegationPage(page).node('tester').click();
      if (view === 'Reaper') await new ReaperPage(page).action('archiver').getByText('Evidence').click();
      await screenshotBothThemes(page, file);
    }
    // The same views at 1024 px in the dark theme: nothing pushes the page wider than the window
    // (wide tables scroll inside their own box).
    await page.setViewportSize({ width: 1024, height: 768 });
    await page.emulateMedia({ colorScheme: 'dark' });
    for (const [view] of views) {
      await shell.show(view);
      const overflow = await page.evaluate(() => {
        const g = globalThis as unknown as { document: { documentElement: { scrollWidth: number } }; innerWidth: number };
        return g.document.documentElement.scrollWidth - g.innerWidth;
      });
      expect(overflow, `${view} at 1024 px`).toBeLessThanOrEqual(0);
    }
    await page.emulateMedia({ colorScheme: 'light' });
  } finally {
    await client.close();
  }
  expect(shell.errors).toEqual([]);
});
