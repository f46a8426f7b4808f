// Owners from the console: a typo in an owner name is caught before it makes a new owner; the
// Owners view lists each person's agents; marking one departed says first which agents the
// reaper will stop, then the reaper's preview has exactly them.
import { expect, test } from '@playwright/test';
import { ConsolePage } from './pages/console-page.js';
import { IdentitiesPage } from './pages/identities-page.js';
import { operatorFor } from './support/operator.js';
import { ownServe } from './support/own-serve.js';

const served = ownServe('owners');

test('an owner typo is caught; a departed owner’s agents are named before the reaper stops them', async ({ page }) => {
  const { bridgeUrl } = served.ready();
  const operator = operatorFor(bridgeUrl);
  await operator('identities.register', { id: 'scribe', owner: 'alice', environment: 'dev' });
  await operator('identities.register', { id: 'courier', owner: 'bob', environment: 'dev' });
  const shell = new ConsolePage(page);
  const inventory = new IdentitiesPage(page);
  await shell.open(bridgeUrl);
  await shell.show('Identities');

  // "alcie" is nobody: the form says so and will not register until told it is a new owner.
  await inventory.form.getByLabel('Agent id').fill('typo-agent');
  await inventory.form.getByLabel('Owner', { exact: true }).fill('alcie');
  await expect(inventory.form.getByRole('checkbox', { name: /No owner “alcie” yet/ })).toBeVisible();
  await expect(inventory.form.getByRole('button', { name: 'Register agent' })).toBeDisabled();
  await inventory.form.getByLabel('Owner', { exact: true }).fill('alice');
  await expect(inventory.form.getByRole('checkbox', { name: /No owner/ })).toBeHidden();
  await inventory.form.getByRole('button', { name: 'Register agent' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Registered spiffe://' })).toContainText('/agent/typo-agent');

  await shell.show('Owners');
  const alice = page.getByRole('table', { name: 'Owners and their agents' }).locator('[data-owner="alice"]');
  await expect(alice).toContainText('scribe');
  await expect(alice).toContainText('typo-agent');
  await alice.getByRole('button', { name: 'Mark departed alice' }).click();
  const confirm = page.getByRole('dialog', { name: 'Mark alice departed?' });
  await expect(confirm).toContainText('these 2 agents are revoked and decommissioned');
  await expect(confirm).toContainText('scribe, typo-agent');
  await confirm.getByRole('button', { name: 'Mark departed' }).click();
  await expect(alice).toContainText('DEPARTED');

  // The reaper's preview has exactly alice's agents, and not bob's.
  const preview = await operator<{ actions: { kind: string; subject: string }[] }>('reaper.preview', {});
  const orphans = preview.actions.filter((a) => a.kind === 'orphan').map((a) => a.subject).sort();
  expect(orphans).toEqual(['spiffe://charon.local/agent/scribe', 'spiffe://charon.local/agent/typo-agent']);
  expect(shell.errors).toEqual([]);
});

test('the server’s owner invites a team console operator: the one-time link is shown once, then the operator is listed until removed', async ({ page }) => {
  const { bridgeUrl } = served.ready();
  const shell = new ConsolePage(page);
  await shell.open(bridgeUrl);
  await shell.show('Owners');
  const form = page.getByRole('form', { name: 'Invite an operator' });
  await form.getByLabel('Operator (owner name)').fill('erin');
  await form.getByLabel('Role').selectOption('admin');
  await form.getByRole('button', { name: 'Invite' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'One-time link' })).toContainText(/for erin, valid until .*: inv_/);
  const list = page.getByRole('list', { name: 'Operators' });
  await expect(list).toContainText('erin admin · invited, no passkey yet');
  await list.getByRole('button', { name: 'Remove erin' }).click();
  await page.getByRole('dialog', { name: 'Remove erin?' }).getByRole('button', { name: 'Remove', exact: true }).click();
  await expect(list).toContainText('erin admin · invited, no passkey yet · added');
  await expect(list).toContainText('removed');
  const audit = await operatorFor(bridgeUrl)<{ kind: string; subject: string }[]>('audit.list', { limit: 20 });
  expect(audit.filter((r) => r.subject === 'erin').map((r) => r.kind)).toEqual(['operator.remove', 'operator.invite', 'operator.add']);
});
