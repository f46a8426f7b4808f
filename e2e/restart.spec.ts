// When `charon serve` restarts, an open console cannot reconnect by itself (the bridge secret is
// per launch): it must say so and how to get back in, not "reconnecting…" forever under a
// "Chain verified" badge. Runs its own control plane, which it stops and starts.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import { startServe, type RunningServe } from './support/serve.js';

const root = fileURLToPath(new URL('..', import.meta.url));
let dataDir = '';
let serve: RunningServe | null = null;

test.beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'charon-e2e-restart-'));
});

test.afterAll(async () => {
  await serve?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

test('after charon serve restarts, the console says the secret changed and how to reopen', async ({ page }) => {
  serve = await startServe(root, dataDir);
  const bridgePort = Number(new URL(serve.ready.bridgeUrl).port);
  await page.goto(serve.ready.bridgeUrl);
  await expect(page.getByTitle('Pushed events from the control plane')).toHaveText('● live');
  await expect(page.getByTestId('chain-badge')).toContainText('Chain verified');

  // Stopped: nothing listens; after a few tries the console says so (and keeps trying).
  await serve.stop();
  serve = null;
  const alert = page.getByRole('alert').filter({ hasText: 'control plane' });
  await expect(alert).toContainText('The control plane is not answering', { timeout: 15_000 });
  await expect(page.getByTestId('chain-badge')).toContainText('Chain last verified (not live)');

  // Started again on the same port: it answers, but with a new secret this page does not have.
  serve = await startServe(root, dataDir, { bridgePort });
  await expect(alert).toContainText('The control plane restarted, with a new secret', { timeout: 15_000 });
  await expect(alert).toContainText('#token=');
  await expect(page.getByTitle('Pushed events from the control plane')).toHaveText('disconnected: new secret');

  // The address it printed works.
  await page.goto(serve.ready.bridgeUrl);
  await expect(page.getByTitle('Pushed events from the control plane')).toHaveText('● live');
  await expect(page.getByRole('alert').filter({ hasText: 'control plane' })).toHaveCount(0);
});
