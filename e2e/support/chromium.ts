// Which Chromium the end-to-end tests drive: $CHARON_CHROMIUM, else one installed on the system,
// else Playwright's own download (`npx playwright install chromium`), else a clear failure.
import { existsSync } from 'node:fs';
import { chromium } from '@playwright/test';

const SYSTEM = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe',
];

export function findChromium(): string {
  const fromEnv = process.env.CHARON_CHROMIUM;
  if (fromEnv) {
    if (existsSync(fromEnv)) return fromEnv;
    throw new Error(`CHARON_CHROMIUM names ${fromEnv}, which does not exist`);
  }
  const system = SYSTEM.find((path) => existsSync(path));
  if (system) return system;
  const own = chromium.executablePath();
  if (own && existsSync(own)) return own;
  throw new Error(
    'No Chromium for the end-to-end tests. Install one (Debian/Ubuntu: apt-get install chromium; macOS: brew install --cask chromium), ' +
      'or run `npx playwright install chromium`, or set CHARON_CHROMIUM to a Chromium or Chrome executable.',
  );
}
