// Grants from the console alone, against a real `charon serve` and the real memory server: the
// owner makes a grant by ticking tools from the server's own list and constraining an argument,
// reads it back in words (with the Cedar it compiles to), sees the agent held to exactly that
// through the gateway, narrows it, and revokes it.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { expect, test } from '@playwright/test';
import { AuditPage } from './pages/audit-page.js';
import { ConsolePage } from './pages/console-page.js';
import { IdentitiesPage } from './pages/identities-page.js';
import { activeAgent, operatorFor } from './support/operator.js';
import { ownServe } from './support/own-serve.js';

const memory = fileURLToPath(new URL('../node_modules/@modelcontextprotocol/server-memory/dist/index.js', import.meta.url));
const served = ownServe('grants');

async function toolsOf(client: Client): Promise<string[]> {
  return (await client.listTools()).tools.map((t) => t.name).sort();
}

test('make a grant from the server’s real tools with a constraint, read it in words, see it enforced, narrow it, revoke it', async ({ page }) => {
  test.setTimeout(90_000);
  const { bridgeUrl, agentUrl } = served.ready();
  const operator = operatorFor(bridgeUrl);
  await operator('servers.set', { name: 'memory', config: { command: process.execPath, args: [memory], env: { MEMORY_FILE_PATH: join(served.dir(), 'memory.jsonl') } } });
  const svid = await activeAgent(bridgeUrl, agentUrl, 'e2e-grantee', 'alice');
  const shell = new ConsolePage(page);
  await shell.open(bridgeUrl);
  await shell.show('Grants');

  await page.getByRole('button', { name: 'New grant' }).click();
  const editor = page.getByRole('dialog', { name: 'New grant' });
  await editor.getByLabel('Agent').selectOption('e2e-grantee');
  await editor.getByLabel('Add a server').selectOption('memory');
  const tools = editor.getByRole('region', { name: 'Tools of memory to grant' });
  await tools.locator('[data-grant-tool="read_graph"]').getByRole('checkbox').check();
  // A write tool ticked without a constraint is flagged, in words.
  await tools.locator('[data-grant-tool="create_entities"]').getByRole('checkbox').check();
  await expect(tools.locator('[data-grant-tool="create_entities"]').getByRole('note')).toContainText('Unconstrained');
  await tools.locator('[data-grant-tool="create_entities"]').getByRole('checkbox').uncheck();
  await tools.locator('[data-grant-tool="search_nodes"]').getByRole('checkbox').check();
  await tools.getByRole('button', { name: 'Add a constraint on search_nodes' }).click();
  const constraint = tools.getByRole('group', { name: /Constraint on search_nodes/ });
  await constraint.getByLabel('Argument').fill('query');
  await constraint.getByLabel('Must be').selectOption('oneOf');
  await constraint.getByLabel('Allowed values, one per line').fill('alpha\nbeta');
  await editor.getByLabel('At most … calls a minute').fill('10');
  // A time window reads back in words with its time zone; removed again (this test runs at any hour).
  await editor.getByRole('button', { name: 'Add a time window' }).click();
  await editor.getByLabel('Time zone').fill('Europe/Paris');
  await expect(editor.getByRole('region', { name: 'Will be enforced' })).toContainText('only mon, tue, wed, thu, fri 09:00–18:00 (Europe/Paris)');
  await editor.getByRole('group', { name: 'Time window 1' }).getByRole('button', { name: 'Remove window' }).click();
  await expect(editor.getByRole('region', { name: 'Will be enforced' })).not.toContainText('09:00');
  await editor.getByLabel('Expires').selectOption('day');
  const enforced = editor.getByRole('region', { name: 'Will be enforced' });
  await expect(enforced).toContainText('memory__read_graph with any arguments');
  await expect(enforced).toContainText('memory__search_nodes: query one of "alpha", "beta"');
  await expect(enforced).toContainText('at most 10 calls/min');
  await editor.getByRole('button', { name: 'Create grant' }).click();
  await expect(editor).toBeHidden();

  const row = page.getByRole('table', { name: 'Grants' }).locator('tr[data-grant]').filter({ hasText: 'e2e-grantee' });
  await expect(row).toContainText('memory: read_graph, search_nodes');
  // Made in the console, not approved with a passkey: the list says so (re-verified, not remembered).
  await expect(row).toContainText('made by the operator, no passkey');

  // Enforced exactly so through the gateway.
  const client = new Client({ name: 'e2e-grantee', version: '1' });
  await client.connect(new StreamableHTTPClientTransport(new URL('/mcp', agentUrl), { requestInit: { headers: { authorization: `Bearer ${svid}` } } }));
  try {
    expect(await toolsOf(client)).toEqual(['memory__read_graph', 'memory__search_nodes']);
    await expect(client.callTool({ name: 'memory__search_nodes', arguments: { query: 'alpha' } })).resolves.toBeTruthy();
    await expect(client.callTool({ name: 'memory__search_nodes', arguments: { query: 'gamma' } })).rejects.toThrow(/argument \\?"query\\?" is \\?"gamma\\?", not one of/);

    // Read back in words, with the Cedar it compiles to and the approval check.
    await row.getByRole('button').first().click();
    const detail = page.getByRole('region', { name: /^Grant grt_/ });
    await expect(detail.getByRole('list', { name: 'What the grant allows' })).toContainText('memory__search_nodes: query one of "alpha", "beta"');
    await expect(detail.getByRole('list', { name: 'Limits' })).toContainText('at most 10 calls/min');
    await detail.getByText('The Cedar policy it compiles to').click();
    await expect(detail.locator('pre')).toContainText('permit');
    await detail.getByRole('button', { name: 'Verify approval' }).click();
    await expect(detail.getByRole('status').first()).toBeVisible();
    // Try a call: the policy's answer and its reason, nothing made.
    const tryCall = detail.getByRole('form', { name: 'Try a call' });
    await tryCall.getByLabel('Tool').fill('memory__search_nodes');
    await tryCall.getByLabel('Arguments (JSON)').fill('{"query": "delta"}');
    await tryCall.getByRole('button', { name: 'Decide' }).click();
    await expect(tryCall.getByTestId('try-call-result')).toContainText('argument "query" is "delta", not one of "alpha", "beta"');
    await tryCall.getByLabel('Arguments (JSON)').fill('{"query": "beta"}');
    await tryCall.getByRole('button', { name: 'Decide' }).click();
    await expect(tryCall.getByTestId('try-call-result')).toContainText('Allowed by grt_');

    // Narrowed to read_graph alone: search_nodes is refused from then on.
    await detail.getByRole('button', { name: 'Narrow' }).click();
    const narrow = page.getByRole('dialog', { name: /^Narrow grt_/ });
    await narrow.locator('[data-grant-tool="search_nodes"]').getByRole('checkbox').uncheck();
    await expect(narrow.getByRole('region', { name: 'Will be enforced' })).not.toContainText('search_nodes');
    await narrow.getByRole('button', { name: 'Narrow grant' }).click();
    await expect(narrow).toBeHidden();
    await expect(detail.getByRole('list', { name: 'What the grant allows' })).not.toContainText('search_nodes');
    await expect(client.callTool({ name: 'memory__search_nodes', arguments: { query: 'alpha' } })).rejects.toThrow(/ERR_TOOL_NOT_ALLOWED|not allowed/i);

    await detail.getByRole('button', { name: 'Revoke' }).click();
    const confirm = page.getByRole('dialog', { name: /^Revoke grt_/ });
    await expect(confirm).toContainText('loses what this grant allows at once');
    await confirm.getByRole('button', { name: 'Revoke grant' }).click();
    await page.getByLabel('State').selectOption('REVOKED');
    await expect(page.getByRole('table', { name: 'Grants' }).locator('tr[data-grant]').filter({ hasText: 'e2e-grantee' })).toContainText('REVOKED');
    await expect(client.callTool({ name: 'memory__read_graph', arguments: {} })).rejects.toThrow();
  } finally {
    await client.close();
  }

  // The agent's own page tells the same story: each call, allowed or refused, and why.
  await shell.show('Identities');
  const detail = await new IdentitiesPage(page).manage('e2e-grantee');
  const activity = detail.getByRole('region', { name: 'Activity of e2e-grantee' });
  const calls = activity.getByRole('table', { name: 'Recent calls of e2e-grantee' });
  await expect(calls.locator('tr:has(.decision-deny)').first()).toContainText('memory__');
  await expect(calls).toContainText('argument "query" is "gamma", not one of "alpha", "beta"');
  await expect(calls.locator('tr:has(.decision-allow)').first()).toContainText('by grt_');
  await activity.getByRole('checkbox', { name: /Hold a call no grant allows/ }).check();
  await expect.poll(async () => (await operator<{ agentId: string; enabled: boolean }[]>('jit.list', {})).find((j) => j.agentId === 'e2e-grantee')?.enabled).toBe(true);

  // A grant that can never match says so where it is read.
  const odd = await operator<{ id: string }>('grants.create', { spec: { agentId: 'e2e-grantee', environment: 'dev', servers: { memory: { tools: { read_grpah: {} } } } } });
  await shell.show('Grants');
  await page.getByRole('table', { name: 'Grants' }).locator(`tr[data-grant="${odd.id}"]`).getByRole('button').first().click();
  await expect(page.getByRole('list', { name: 'Warnings about this grant' })).toContainText('memory__read_grpah is not a tool memory offers: it can never match.');

  // The audit log, readable: agent names, the reason as a column, filters by tool and time kept in
  // the URL, a link to one record, and the chain exported.
  await shell.show('Audit log');
  const audit = new AuditPage(page);
  await audit.filters.getByLabel('Tool').fill('search_nodes');
  await audit.filter({ decision: 'deny' });
  await audit.filters.getByLabel('When').selectOption('1d');
  await expect(audit.newest).toContainText('e2e-grantee');
  await expect(audit.newest).not.toContainText('spiffe://');
  const gamma = audit.table.getByRole('row').filter({ hasText: 'argument "query" is "gamma"' });
  await expect(gamma).toHaveCount(1);
  expect(new URL(page.url()).hash).toContain('tool=search_nodes');
  await gamma.getByRole('button').first().click();
  const seq = Number(new URLSearchParams(new URL(page.url()).hash.slice(1)).get('seq'));
  expect(seq).toBeGreaterThan(0);
  await page.reload();
  await expect(page.getByRole('region', { name: `Audit record ${seq}` })).toContainText('Why refused');
  await expect(audit.filters.getByLabel('Tool')).toHaveValue('search_nodes');
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export the chain (JSON Lines)' }).click();
  const lines = (await readFile((await (await download).path()) as string, 'utf8')).trim().split('\n');
  expect(lines.length).toBeGreaterThan(5);
  await expect(page.getByRole('status').filter({ hasText: 'signed checkpoint at the end' })).toBeVisible();
  expect(shell.errors).toEqual([]);
});
