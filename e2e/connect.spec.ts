// The first MCP client, from the console: "Connect a client" makes the agent and a join token and
// shows the config to paste; an MCP client launched exactly as that config says (`npx charon
// connect …` with the token in its environment; here `node bin/charon.js connect`, the same
// program) attests, and the dialog turns to "connected" by itself.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { expect, test } from '@playwright/test';
import { ConsolePage } from './pages/console-page.js';
import { ownServe } from './support/own-serve.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const served = ownServe('connect');

test('connect a client: the config to paste, then "connected" when the client attests with it', async ({ page }) => {
  test.setTimeout(60_000);
  const { bridgeUrl, agentUrl } = served.ready();
  const shell = new ConsolePage(page);
  await shell.open(bridgeUrl);
  await shell.show('Gateway');
  await page.getByRole('button', { name: 'Connect a client' }).click();
  const dialog = page.getByRole('dialog', { name: 'Connect a client' });
  await dialog.getByLabel('Agent id (new or existing)').fill('desk');
  await dialog.getByLabel('Owner').fill('alice');
  await dialog.getByRole('button', { name: 'Make the config' }).click();

  const snippets = dialog.getByRole('region', { name: 'Configs for this client' });
  const pasted = JSON.parse((await snippets.locator('pre').textContent()) ?? '') as { mcpServers: { charon: { command: string; args: string[]; env: Record<string, string> } } };
  const entry = pasted.mcpServers.charon;
  expect(entry.command).toBe('npx');
  expect(entry.args.slice(0, 4)).toEqual(['charon', 'connect', '--agent', 'desk']);
  expect(entry.env.CHARON_JOIN_TOKEN).toMatch(/^cjt_/);
  await snippets.getByLabel('Your MCP client').selectOption('VS Code');
  await expect(snippets.locator('pre')).toContainText('"type": "stdio"');
  await expect(dialog.getByTestId('connect-state')).toHaveText('Waiting for desk to connect…');

  // The client starts the server its config names.
  const args = entry.args.slice(1);
  const mcp = new Client({ name: 'desktop-chat-app', version: '1.0.0' });
  await mcp.connect(new StdioClientTransport({ command: process.execPath, args: [join(root, 'bin', 'charon.js'), ...args, ...(args.includes('--url') ? [] : ['--url', agentUrl])], env: { ...(process.env as Record<string, string>), ...entry.env, CHARON_DATA_DIR: join(served.dir(), 'client') }, stderr: 'ignore' }));
  try {
    await expect(dialog.getByTestId('connect-state')).toHaveText(/^Connected: desk attested/, { timeout: 15_000 });
    expect((await mcp.listTools()).tools).toEqual([]);
  } finally {
    await mcp.close();
  }
  expect(shell.errors).toEqual([]);
});
