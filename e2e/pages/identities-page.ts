import { expect, type Locator, type Page } from '@playwright/test';

export class IdentitiesPage {
  constructor(readonly page: Page) {}

  get form(): Locator {
    return this.page.getByRole('form', { name: 'Register an agent' });
  }

  get table(): Locator {
    return this.page.getByRole('table', { name: 'Agent identities' });
  }

  row(id: string): Locator {
    return this.table.locator(`[data-identity="${id}"]`);
  }

  detail(id: string): Locator {
    return this.page.getByRole('region', { name: `Identity ${id}` });
  }

  /** `newOwner`: confirm a first agent for a person nobody has used yet (the form asks, so a typo makes no owner). */
  async register(id: string, owner: string, options: { selectors?: string; newOwner?: boolean } = {}): Promise<void> {
    await this.form.getByLabel('Agent id').fill(id);
    await this.form.getByLabel('Owner', { exact: true }).fill(owner);
    const confirm = this.form.getByRole('checkbox', { name: /create this new owner/ });
    if (options.newOwner && (await confirm.isVisible())) await confirm.check();
    await this.form.getByLabel('Environment').selectOption('dev');
    if (options.selectors) await this.form.getByLabel('Selectors (optional)').fill(options.selectors);
    await this.form.getByRole('button', { name: 'Register agent' }).click();
    await expect(this.page.getByRole('status').filter({ hasText: 'Registered spiffe://' })).toContainText(`/agent/${id}`);
  }

  async search(text: string): Promise<void> {
    await this.page.getByRole('search', { name: 'Filter identities' }).getByLabel('Search').fill(text);
  }

  /** Opens the identity's detail panel, where its actions are. */
  async manage(id: string): Promise<Locator> {
    await this.search(id);
    await this.row(id).getByRole('button', { name: `Manage ${id}` }).click();
    const detail = this.detail(id);
    await expect(detail).toBeVisible();
    return detail;
  }

  /** Confirms a destructive action's dialog with a reason. */
  async confirm(title: string, button: string, reason: string): Promise<void> {
    const dialog = this.page.getByRole('dialog', { name: title });
    await dialog.getByLabel(/Reason/).fill(reason);
    await dialog.getByRole('button', { name: button, exact: true }).click();
    await expect(dialog).toBeHidden();
  }
}
