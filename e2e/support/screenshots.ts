import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from '@playwright/test';

// Every e2e run writes them to test-results/screenshots/; `npm run screenshots` points
// CHARON_SCREENSHOTS_DIR at docs/screenshots/, the committed copies the README links to (so an
// ordinary test run does not rewrite committed files).
const root = fileURLToPath(new URL('../../', import.meta.url));
const dir = `${resolve(root, process.env.CHARON_SCREENSHOTS_DIR ?? 'test-results/screenshots')}/`;

/** Writes `<name>-light.png` and `<name>-dark.png` of the current view. */
export async function screenshotBothThemes(page: Page, name: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme, reducedMotion: 'reduce' });
    // Let the CSS transitions and the graph's fitView settle.
    await page.waitForTimeout(300);
    await page.screenshot({ path: `${dir}${name}-${colorScheme}.png`, fullPage: true });
  }
  await page.emulateMedia({ colorScheme: 'light' });
}
