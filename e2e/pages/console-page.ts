// The console shell: navigation, the top bar, and page errors. Each view has its own page object.
import { expect, type Locator, type Page } from '@playwright/test';

export type ViewName = 'Overview' | 'Identities' | 'Grants' | 'Owners' | 'Audit log' | 'Approvals' | 'Delegation' | 'Reaper' | 'Gateway' | 'Settings';

export class ConsolePage {
  readonly errors: string[] = [];

  constructor(readonly page: Page) {
    // Uncaught exceptions, console errors (CSP violations included), a missing asset or a server
    // error from the API fail a test; a refused call (4xx from /api/) is expected where provoked.
    page.on('console', (message) => {
      if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) this.errors.push(message.text());
    });
    page.on('pageerror', (error) => this.errors.push(error.message));
    page.on('response', (response) => {
      const isApi = new URL(response.url()).pathname.startsWith('/api/');
      if (response.status() >= (isApi ? 500 : 400)) this.errors.push(`HTTP ${response.status()} for ${response.url()}`);
    });
  }

  async open(url: string): Promise<void> {
    await this.page.goto(url);
    await expect(this.page.getByRole('heading', { level: 1 })).toBeVisible();
  }

  async show(name: ViewName): Promise<void> {
    const button = this.page.getByRole('navigation', { name: 'Console' }).getByRole('button', { name: new RegExp(`^${name}`) });
    const already = (await button.getAttribute('aria-current')) === 'page';
    await button.click();
    // Switching moves focus to the new view's heading (keyboard and screen-reader users land there).
    if (already) await expect(this.page.getByRole('heading', { level: 1, name })).toBeVisible();
    else await expect(this.page.getByRole('heading', { level: 1, name })).toBeFocused();
  }

  get chainBadge(): Locator {
    return this.page.getByTestId('chain-badge');
  }

  get live(): Locator {
    return this.page.locator('.topbar .stream');
  }

  badge(view: string): Locator {
    return this.page.getByTestId(`badge-${view}`);
  }

  status(text: string | RegExp): Locator {
    return this.page.getByRole('status').filter({ hasText: text });
  }
}
