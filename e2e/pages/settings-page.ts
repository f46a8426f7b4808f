import { expect, type Locator, type Page } from '@playwright/test';

export class SettingsPage {
  constructor(readonly page: Page) {}

  get keys(): Locator {
    return this.page.getByRole('table', { name: 'Credential signing keys (ES256)' });
  }

  get ttlCaps(): Locator {
    return this.page.getByRole('table', { name: 'Credential TTL caps per environment' });
  }

  async rotateKey(reason: string): Promise<void> {
    await this.page.getByRole('button', { name: 'Rotate signing key' }).click();
    const dialog = this.page.getByRole('dialog', { name: 'Rotate the signing key?' });
    await dialog.getByLabel(/Reason/).fill(reason);
    await dialog.getByRole('button', { name: 'Rotate', exact: true }).click();
    await expect(this.page.getByRole('status').filter({ hasText: 'New signing key' })).toBeVisible();
  }
}
