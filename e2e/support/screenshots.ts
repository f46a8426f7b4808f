import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Page } from '@playwright/test';

// Committed, and linked from the README: what every view looks like, light and dark.
const dir = fileURLToPath(new URL('../../docs/screenshots/', import.meta.url));

/** Writes `<name>-light.png` and `<name>-dark.png` of the current view. */
export async function screenshotBothThemes(page: Page, name: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme, reducedMotion: 'reduce' });
    // Let the CSS transitions and the graph's fitView settle.
    await page.waitForTimeout(300);
    await page.screenshot({ path: `${dir}${name}-${colorScheme}.png` });
  }
  await page.emulateMedia({ colorScheme: 'light' });
}
