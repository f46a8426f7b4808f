// Downstream servers from the console alone, against a real `charon serve` whose home directory
// holds a Cursor config: the owner enrolls a passkey, adds a program (approved with the passkey in
// Chromium's virtual authenticator), reads its tools by name with their risk, imports the server
// Cursor was using so it runs behind the gateway, restarts it, and removes the first one.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import { ConsolePage } from './pages/console-page.js';
import { GatewayPage } from './pages/gateway-page.js';
import { operatorFor } from './support/operator.js';
import { ownServe } from './support/own-serve.js';
import { addVirtualAuthenticator } from './support/virtual-authenticator.js';

const everything = fileURLToPath(new URL('../node_modules/@modelcontextprotocol/server-everything/dist/index.js', import.meta.url));
const memory = fileURLToPath(new URL('../node_modules/@modelcontextprotocol/server-memory/dist/index.js', import.meta.url));
const served = ownServe('servers', {
  // A home directory holding a Cursor config, for the import from MCP clients on this machine.
  prepare: async (home) => {
    await mkdir(join(home, '.cursor'));
    await writeFile(join(home, '.cursor', 'mcp.json'), JSON.stringify({ mcpServers: { memory: { command: process.execPath, args: [memory], env: { MEMORY_FILE_PATH: join(home, 'memory.jsonl') } } } }));
  },
  env: (home) => ({ HOME: home }),
});

test('add a server with the passkey, read its tools, import what Cursor uses, restart, remove', async ({ page }) => {
  test.setTimeout(90_000);
  const { bridgeUrl } = served.ready();
  const shell = new ConsolePage(page);
  const gateway = new GatewayPage(page);
  await shell.open(bridgeUrl);
  await addVirtualAuthenticator(page);

  // A passkey first: from then on, a program Charon launches needs it.
  await shell.show('Settings');
  const enroll = page.getByRole('form', { name: 'Enroll a passkey' });
  await enroll.getByRole('button', { name: 'Enroll a passkey' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Enrolled passkey' })).toBeVisible();

  await shell.show('Gateway');
  await page.getByRole('button', { name: 'Add a server' }).click();
  const dialog = page.getByRole('dialog', { name: 'Add a server' });
  await dialog.getByLabel('Name').fill('everything');
  await dialog.getByLabel('Command').fill(process.execPath);
  await dialog.getByLabel('Arguments, one per line').fill(`${everything}\nstdio`);
  await expect(dialog.getByRole('note')).toContainText('Charon will run this program as you');
  await dialog.getByRole('button', { name: 'Add server' }).click();
  await expect(dialog).toBeHidden();
  await expect(gateway.server('everything')).toBeVisible();
  // Approved with the passkey: the audit log says so, and the stored approval lets it start.
  const operator = operatorFor(bridgeUrl);
  const set = await operator<{ kind: string; subject: string }[]>('audit.list', { kind: 'server.set', limit: 5 });
  expect(set.map((e) => e.subject)).toContain('everything');

  // Its tools, by name, with what they say they do and how much they can do.
  await gateway.server('everything').getByRole('button', { name: 'Tools of everything' }).click();
  const tools = page.getByRole('list', { name: 'Tools of everything' });
  await expect(tools.locator('[data-tool="echo"]')).toContainText('reads');
  await expect(tools.locator('[data-tool="echo"]')).toContainText(/echo/i);
  await expect(gateway.server('everything')).toContainText('running');

  // What Cursor runs on this machine, imported to run behind the gateway.
  await page.getByRole('button', { name: 'Import from MCP clients on this machine' }).click();
  const found = page.getByRole('list', { name: 'MCP client configs on this machine' });
  await expect(found.locator('[data-client-config="Cursor"]')).toContainText('memory');
  await expect(found.locator('[data-client-config="Cursor"]')).toContainText('new');
  await found.getByRole('button', { name: 'Import “memory” from Cursor' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Imported memory' })).toBeVisible();
  await expect(gateway.server('memory')).toBeVisible();
  await expect(found.locator('[data-client-config="Cursor"]')).toContainText('already behind Charon');

  await gateway.server('memory').getByRole('button', { name: 'Restart memory' }).click();
  await expect(gateway.server('memory')).toContainText('running');

  await gateway.server('everything').getByRole('button', { name: 'Remove everything' }).click();
  const confirm = page.getByRole('dialog', { name: 'Remove everything?' });
  await expect(confirm).toContainText('its process is killed');
  await confirm.getByRole('button', { name: 'Remove everything' }).click();
  await expect(gateway.server('everything')).toBeHidden();
  expect(shell.errors).toEqual([]);
});
