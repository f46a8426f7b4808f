// The headless console against a real control plane: the bridge serves the built renderer,
// which calls the operator API with the per-launch secret it took from the URL fragment.
import { expect, test, type Page } from '@playwright/test';
import { bridgeUrl } from './support/env.js';

/**
 * Page errors that fail a test: uncaught exceptions, console errors (CSP violations included),
 * a missing asset, or a server error from the API. A refused call (4xx from /api/) is expected
 * where a test provokes it, and Chromium's generic "Failed to load resource" line for it is noise.
 */
function collectPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('response', (response) => {
    const isApi = new URL(response.url()).pathname.startsWith('/api/');
    if (response.status() >= (isApi ? 500 : 400)) errors.push(`HTTP ${response.status()} for ${response.url()}`);
  });
  return errors;
}

async function openView(page: Page, name: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Console' }).getByRole('button', { name }).click();
  await expect(page.getByRole('heading', { level: 1, name })).toBeFocused();
}

async function registerAgent(page: Page, id: string, owner: string): Promise<void> {
  const form = page.getByRole('form', { name: 'Register an agent' });
  await form.getByLabel('Agent id').fill(id);
  await form.getByLabel('Owner').fill(owner);
  await form.getByLabel('Environment').selectOption('dev');
  await form.getByLabel('Selectors (optional)').fill('unix:uid:1000');
  await form.getByRole('button', { name: 'Register agent' }).click();
  await expect(page.getByRole('status').filter({ hasText: `Registered spiffe://` })).toContainText(`/agent/${id}`);
}

test('register an agent, hand out a join token, kill another, and see the audit chain verified', async ({ page }) => {
  const errors = collectPageErrors(page);
  await page.goto(bridgeUrl());

  // The secret leaves the address bar at once.
  await expect(page).not.toHaveURL(/#token=/);
  await expect(page.getByRole('heading', { level: 1, name: 'Overview' })).toBeVisible();
  await expect(page.getByText('Trust domain')).toBeVisible();

  await openView(page, 'Identities');
  await registerAgent(page, 'e2e-agent', 'alice');
  const table = page.getByRole('table', { name: 'Agent identities' });
  const row = table.getByRole('row').filter({ hasText: 'e2e-agent' });
  await expect(row).toContainText('PROVISIONED');
  await expect(row).toContainText('alice');

  // Bad input comes back as a typed error and changes nothing.
  const form = page.getByRole('form', { name: 'Register an agent' });
  await form.getByLabel('Agent id').fill('Not A Valid Id');
  await form.getByLabel('Owner').fill('alice');
  await form.getByRole('button', { name: 'Register agent' }).click();
  await expect(form.getByRole('alert')).toContainText('ERR_INVALID_INPUT');

  await row.getByRole('button', { name: 'Create join token for e2e-agent' }).click();
  const tokenDialog = page.getByRole('dialog', { name: 'Join token for e2e-agent' });
  await expect(tokenDialog).toBeVisible();
  const token = (await tokenDialog.getByTestId('join-token').textContent())?.trim() ?? '';
  expect(token.length).toBeGreaterThanOrEqual(16);
  await tokenDialog.getByRole('button', { name: 'Done' }).click();
  await expect(tokenDialog).toBeHidden();

  // A destructive action asks first; Cancel leaves the agent alone.
  await registerAgent(page, 'e2e-doomed', 'bob');
  const doomed = table.getByRole('row').filter({ hasText: 'e2e-doomed' });
  await doomed.getByRole('button', { name: 'Kill e2e-doomed' }).click();
  const confirm = page.getByRole('dialog', { name: 'Kill e2e-doomed now?' });
  await expect(confirm.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await confirm.getByRole('button', { name: 'Cancel' }).click();
  await expect(doomed).toContainText('PROVISIONED');
  await doomed.getByRole('button', { name: 'Kill e2e-doomed' }).click();
  await confirm.getByLabel(/Reason/).fill('e2e kill switch');
  await confirm.getByRole('button', { name: 'Kill', exact: true }).click();
  await expect(confirm).toBeHidden();
  await expect(doomed).toContainText('REVOKED');

  await openView(page, 'Audit log');
  await expect(page.getByTestId('audit-chain-status')).toContainText('Audit chain verified');
  const audit = page.getByRole('table', { name: /Audit records/ });
  await expect(audit).toContainText('e2e-agent');
  await expect(audit).toContainText('e2e-doomed');
  // The join token never appears in the log, only the fact that one was created.
  await expect(audit).not.toContainText(token);

  expect(errors).toEqual([]);
});

test('without the bridge secret the console says how to get in', async ({ page }) => {
  const origin = new URL(bridgeUrl()).origin;
  await page.goto(`${origin}/`);
  await expect(page.getByRole('alert')).toContainText('ERR_UNAUTHENTICATED');
});
