import type { Locator, Page } from '@playwright/test';

export class GatewayPage {
  constructor(readonly page: Page) {}

  server(name: string): Locator {
    return this.page.getByRole('table', { name: 'Downstream MCP servers' }).locator(`[data-server="${name}"]`);
  }

  connected(agentId: string): Locator {
    return this.page.getByRole('table', { name: 'Agents with open MCP sessions' }).locator(`[data-agent="${agentId}"]`);
  }
}
