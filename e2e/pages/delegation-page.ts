import { expect, type Locator, type Page } from '@playwright/test';

export class DelegationPage {
  constructor(readonly page: Page) {}

  get graph(): Locator {
    return this.page.getByTestId('delegation-graph');
  }

  get hops(): Locator {
    return this.page.getByRole('table', { name: /Delegation hops/ });
  }

  node(label: string): Locator {
    return this.graph.locator('.react-flow__node').filter({ hasText: label });
  }

  async cut(label: string, reason: string): Promise<void> {
    await this.node(label).click();
    const detail = this.page.getByRole('region', { name: `Delegation detail of ${label}` });
    await detail.getByRole('button', { name: `Cut ${label}` }).click();
    const dialog = this.page.getByRole('dialog', { name: `Cut ${label}?` });
    await dialog.getByLabel(/Reason/).fill(reason);
    await dialog.getByRole('button', { name: 'Cut', exact: true }).click();
    await expect(dialog).toBeHidden();
  }
}
