#!/usr/bin/env node
// Renders resources/icon.svg to the PNGs packaging and the tray need (icon.png 1024 px, from
// which electron-builder makes .icns and .ico; tray.png 16 px and tray@2x.png 32 px), with the
// Chromium the e2e tests use. Run after changing the SVG; the PNGs are committed.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';

const resources = fileURLToPath(new URL('../resources/', import.meta.url));
const svg = readFileSync(`${resources}icon.svg`, 'utf8');
const browser = await chromium.launch({ executablePath: process.env.CHARON_CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
try {
  for (const [file, size] of [
    ['icon.png', 1024],
    ['tray.png', 16],
    ['tray@2x.png', 32],
  ]) {
    const page = await browser.newPage({ viewport: { width: size, height: size } });
    await page.setContent(`<!doctype html><style>html,body{margin:0;background:transparent}svg{display:block;width:${size}px;height:${size}px}</style>${svg}`);
    await page.screenshot({ path: `${resources}${file}`, omitBackground: true });
    await page.close();
  }
} finally {
  await browser.close();
}
