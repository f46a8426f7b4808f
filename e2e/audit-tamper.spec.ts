// A tampered audit log must be impossible to miss in the console. This test runs its own
// control plane, because it damages the store on purpose.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import Database from 'better-sqlite3';
import { screenshotBothThemes } from './support/screenshots.js';
import { startServe, type RunningServe } from './support/serve.js';

const root = fileURLToPath(new URL('..', import.meta.url));
let dataDir = '';
let serve: RunningServe | null = null;

test.beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'charon-e2e-tamper-'));
  serve = await startServe(root, dataDir);
});

test.afterAll(async () => {
  await serve?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

test('an edited audit record is reported as a broken chain, with the record that fails', async ({ page }) => {
  if (!serve) throw new Error('charon serve did not start');
  await page.goto(serve.ready.bridgeUrl);
  await page.getByRole('navigation', { name: 'Console' }).getByRole('button', { name: 'Identities' }).click();
  const form = page.getByRole('form', { name: 'Register an agent' });
  await form.getByLabel('Agent id').fill('tamper-target');
  await form.getByLabel('Owner').fill('mallory');
  await form.getByRole('button', { name: 'Register agent' }).click();
  await expect(page.getByRole('table', { name: 'Agent identities' })).toContainText('tamper-target');

  await page.getByRole('navigation', { name: 'Console' }).getByRole('button', { name: 'Audit log' }).click();
  await expect(page.getByTestId('audit-chain-status')).toContainText('Audit chain verified');

  // Rewrite history behind the control plane's back, as someone with file access could.
  const db = new Database(join(dataDir, 'charon.db'));
  try {
    const changed = db.prepare("UPDATE audit_events SET subject = 'spiffe://charon.local/agent/someone-else' WHERE seq = 1").run().changes;
    expect(changed).toBe(1);
  } finally {
    db.close();
  }

  await page.getByRole('button', { name: 'Verify again' }).click();
  const alarm = page.getByRole('alert').filter({ hasText: 'AUDIT CHAIN BROKEN' });
  await expect(alarm).toBeVisible();
  await expect(alarm).toContainText('First bad record: #1');
  // And the record itself is flagged in the feed.
  await expect(page.locator('[data-seq="1"]')).toHaveClass(/vrow-bad/);
  // The top bar carries the alarm to every view.
  await page.getByRole('navigation', { name: 'Console' }).getByRole('button', { name: 'Overview' }).click();
  await expect(page.getByTestId('chain-badge')).toContainText('AUDIT CHAIN BROKEN at #1');
  await page.getByTestId('chain-badge').click();
  await expect(alarm).toBeVisible();
  await screenshotBothThemes(page, 'audit-broken');
});
