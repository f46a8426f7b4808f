// The headless console against a real control plane: the bridge serves the built renderer,
// which calls the operator API with the per-launch secret it took from the URL fragment.
import { expect, test } from '@playwright/test';
import { ConsolePage } from './pages/console-page.js';
import { IdentitiesPage } from './pages/identities-page.js';
import { bridgeUrl } from './support/env.js';

test('register an agent, hand out a join token, kill another, and see the audit chain verified', async ({ page }) => {
  const shell = new ConsolePage(page);
  const inventory = new IdentitiesPage(page);
  await page.goto(bridgeUrl());

  // The secret leaves the address bar at once.
  await expect(page).not.toHaveURL(/#token=/);
  await expect(page.getByRole('heading', { level: 1, name: 'Overview' })).toBeVisible();
  await expect(shell.live).toHaveText('● live');

  await shell.show('Identities');
  await inventory.register('e2e-agent', 'alice', { selectors: 'unix:uid:1000', newOwner: true });
  const row = inventory.row('e2e-agent');
  await expect(row).toContainText('PROVISIONED');
  await expect(row).toContainText('alice');

  // Bad input comes back as a typed error and changes nothing.
  await inventory.form.getByLabel('Agent id').fill('Not A Valid Id');
  await inventory.form.getByLabel('Owner').fill('alice');
  await inventory.form.getByRole('button', { name: 'Register agent' }).click();
  await expect(inventory.form.getByRole('alert')).toContainText('ERR_INVALID_INPUT');

  const agent = await inventory.manage('e2e-agent');
  // A PROVISIONED agent activates by attesting: it is offered a join token, not an Activate that must fail.
  await expect(agent.getByRole('button', { name: /^Activate/ })).toHaveCount(0);
  await agent.getByRole('button', { name: 'Create join token to activate for e2e-agent' }).click();
  const tokenDialog = page.getByRole('dialog', { name: 'Join token for e2e-agent' });
  await expect(tokenDialog).toBeVisible();
  const token = (await tokenDialog.getByTestId('one-time-secret').textContent())?.trim() ?? '';
  expect(token.length).toBeGreaterThanOrEqual(16);
  await tokenDialog.getByRole('button', { name: 'Done' }).click();
  await expect(tokenDialog).toBeHidden();

  // A destructive action asks first; Cancel leaves the agent alone.
  await inventory.register('e2e-doomed', 'bob', { newOwner: true });
  const doomed = await inventory.manage('e2e-doomed');
  await doomed.getByRole('button', { name: 'Kill e2e-doomed' }).click();
  const confirm = page.getByRole('dialog', { name: 'Kill e2e-doomed now?' });
  await expect(confirm.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await confirm.getByRole('button', { name: 'Cancel' }).click();
  await expect(inventory.row('e2e-doomed')).toContainText('PROVISIONED');
  await doomed.getByRole('button', { name: 'Kill e2e-doomed' }).click();
  await inventory.confirm('Kill e2e-doomed now?', 'Kill', 'e2e kill switch');
  await expect(inventory.row('e2e-doomed')).toContainText('REVOKED');
  await doomed.getByRole('button', { name: 'Decommission e2e-doomed' }).click();
  await inventory.confirm('Decommission e2e-doomed?', 'Decommission', 'e2e: final');
  await expect(inventory.row('e2e-doomed')).toContainText('DECOMMISSIONED');

  // The table fits its space at 1440 px (the detail panel open beside it) and at 1024 px: no
  // badge is clipped, and nothing overflows where the header could not follow the body.
  for (const width of [1440, 1024]) {
    await page.setViewportSize({ width, height: 900 });
    const layout = await inventory.table.evaluate((table) => {
      const overflowing = [...table.querySelectorAll('.vhead, .vscroll, .vrow, [role=columnheader]')].filter((e) => e.scrollWidth > e.clientWidth + 1).length;
      const badge = table.querySelector('[data-identity="e2e-doomed"] .state-decommissioned');
      const cell = badge?.parentElement;
      return { overflowing, badgeFits: !!badge && !!cell && badge.getBoundingClientRect().right <= cell.getBoundingClientRect().right + 0.5 };
    });
    expect(layout, `at ${width} px`).toEqual({ overflowing: 0, badgeFits: true });
  }
  await page.setViewportSize({ width: 1440, height: 900 });

  // Search, filter and sort work on the whole inventory.
  await inventory.search('e2e-');
  await page.getByRole('search', { name: 'Filter identities' }).getByLabel('State').selectOption('DECOMMISSIONED');
  await expect(inventory.row('e2e-agent')).toHaveCount(0);
  await expect(inventory.row('e2e-doomed')).toBeVisible();
  await page.getByRole('search', { name: 'Filter identities' }).getByLabel('State').selectOption('');
  await inventory.table.getByRole('button', { name: /^Agent/ }).click();
  await expect(inventory.table.getByRole('columnheader', { name: /^Agent/ })).toHaveAttribute('aria-sort', 'descending');
  await expect(inventory.table.getByRole('row').nth(1)).toContainText('e2e-doomed');

  await shell.show('Audit log');
  await expect(page.getByTestId('audit-chain-status')).toContainText('Audit chain verified');
  const audit = page.getByRole('table', { name: /Audit records/ });
  await expect(audit).toContainText('e2e-agent');
  await expect(audit).toContainText('e2e-doomed');
  // The join token never appears in the log, only the fact that one was created.
  await expect(audit).not.toContainText(token);

  expect(shell.errors).toEqual([]);
});

test('without the bridge secret the console says how to get in', async ({ page }) => {
  const origin = new URL(bridgeUrl()).origin;
  await page.goto(`${origin}/`);
  await expect(page.getByRole('alert').first()).toContainText('ERR_UNAUTHENTICATED');
});
