import type { Locator, Page } from '@playwright/test';

export class OverviewPage {
  constructor(readonly page: Page) {}

  get pending(): Locator {
    return this.page.getByTestId('overview-pending');
  }

  get counts(): Locator {
    return this.page.getByRole('table', { name: 'Identities per lifecycle state' });
  }

  get rate(): Locator {
    return this.page.getByRole('figure');
  }
}
