// End-to-end tests drive the real headless control plane (`charon serve`, started by
// e2e/global-setup.ts) through Debian's Chromium: Playwright's own browser download does
// not work on these machines (DESIGN.md §6). Elsewhere see e2e/support/chromium.ts.
import { defineConfig } from '@playwright/test';
import { findChromium } from './e2e/support/chromium.js';

export default defineConfig({
  testDir: './e2e',
  testMatch: '**/*.spec.ts',
  globalSetup: './e2e/global-setup.ts',
  // One control plane for the run; tests use distinct agent ids, so order does not matter.
  workers: 1,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  forbidOnly: Boolean(process.env.CI),
  reporter: [['list'], ['json', { outputFile: 'test-results/e2e.json' }]],
  // Not test-results/ itself: Playwright empties its output directory, and other runners write there.
  outputDir: 'test-results/e2e-artifacts',
  use: {
    browserName: 'chromium',
    launchOptions: {
      executablePath: findChromium(),
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  projects: [
    // Every spec at a desktop width in the light theme.
    { name: 'light-1440', use: { viewport: { width: 1440, height: 900 }, colorScheme: 'light' } },
    // The console's jobs again at the narrowest supported width, dark: the specs that bring their
    // own control plane (the others share the global one, whose agent ids a second pass would reuse).
    { name: 'dark-1024', testMatch: ['**/approvals.spec.ts', '**/grants.spec.ts', '**/servers.spec.ts', '**/owners.spec.ts', '**/connect.spec.ts'], use: { viewport: { width: 1024, height: 768 }, colorScheme: 'dark' } },
  ],
});
