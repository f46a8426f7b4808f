import { expect, type Locator, type Page } from '@playwright/test';

export class ReaperPage {
  constructor(readonly page: Page) {}

  get actions(): Locator {
    return this.page.getByRole('list', { name: 'Reaper actions' });
  }

  action(text: string): Locator {
    return this.actions.getByRole('listitem').filter({ hasText: text });
  }

  async applySelected(texts: readonly string[]): Promise<void> {
    for (const text of texts) await this.action(text).getByRole('checkbox').check();
    await this.page.getByRole('button', { name: `Apply selected (${texts.length})` }).click();
    const dialog = this.page.getByRole('dialog', { name: /^Apply/ });
    // The confirmation names each action it will apply, and nothing else.
    const named = dialog.getByRole('list', { name: 'Actions to apply' }).getByRole('listitem');
    await expect(named).toHaveCount(texts.length);
    for (const text of texts) await expect(named.filter({ hasText: text })).toHaveCount(1);
    await dialog.getByRole('button', { name: 'Apply', exact: true }).click();
    await expect(dialog).toBeHidden();
  }
}
