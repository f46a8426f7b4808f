import { expect, type Locator, type Page } from '@playwright/test';

export class ApprovalsPage {
  constructor(readonly page: Page) {}

  request(agentId: string, tools: number): Locator {
    return this.page.getByRole('article', { name: `${agentId} asks for ${tools} tool${tools === 1 ? '' : 's'}` });
  }

  async enrollPasskey(name: string): Promise<void> {
    const enroll = this.page.getByRole('form', { name: 'Enroll a passkey' });
    await enroll.getByLabel('Passkey name (optional)').fill(name);
    await enroll.getByRole('button', { name: 'Enroll a passkey' }).click();
    await expect(this.page.getByRole('list', { name: 'Enrolled passkeys' })).toContainText(name);
  }

  async approve(agentId: string, tools: number): Promise<void> {
    const card = this.request(agentId, tools);
    await card.getByRole('button', { name: new RegExp(`^Approve .*with passkey for ${agentId}$`) }).click();
    await expect(this.page.getByRole('status').filter({ hasText: 'Approved' })).toContainText(`Approved ${agentId}'s request: grant grt_`);
    await expect(card).toBeHidden();
  }
}
