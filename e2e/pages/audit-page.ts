import type { Locator, Page } from '@playwright/test';

export class AuditPage {
  constructor(readonly page: Page) {}

  get table(): Locator {
    return this.page.getByRole('table', { name: /Audit records/ });
  }

  get chainStatus(): Locator {
    return this.page.getByTestId('audit-chain-status');
  }

  get filters(): Locator {
    return this.page.getByRole('search', { name: 'Filter audit records' });
  }

  async filter(options: { agent?: string; kind?: string; decision?: string }): Promise<void> {
    if (options.agent !== undefined) await this.filters.getByLabel('Agent').fill(options.agent);
    if (options.kind !== undefined) await this.filters.getByLabel('Kind').selectOption(options.kind);
    if (options.decision !== undefined) await this.filters.getByLabel('Decision').selectOption(options.decision);
  }

  /** The newest record shown (the first row after the header). */
  get newest(): Locator {
    return this.table.getByRole('row').nth(1);
  }
}
