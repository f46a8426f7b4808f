// The desktop app through Playwright's Electron support: the real main process, preload and
// window. It needs an Electron binary, which cannot be downloaded on the build machines; there
// the test is skipped and says so in the report, instead of passing silently.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { _electron as electron, expect, test } from '@playwright/test';
import { findElectronBinary } from '../scripts/electron-binary.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const binary = findElectronBinary(root);
const NOT_RUN = 'NOT RUN: no Electron binary on this machine (it cannot be downloaded here), so the desktop app was not exercised.';

test('desktop app: hardened window on the bridge origin, operator API over IPC only, gateway running', async () => {
  if (!binary) console.log(`electron.spec.ts: ${NOT_RUN}`);
  test.skip(!binary, NOT_RUN);
  if (!binary) return;
  if (!existsSync(join(root, 'out', 'main', 'index.js'))) {
    const built = spawnSync(process.execPath, [join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], { cwd: root, stdio: 'inherit' });
    expect(built.status).toBe(0);
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'charon-e2e-electron-'));
  writeFileSync(join(dataDir, 'config.json'), JSON.stringify({ agentPort: 0 }));
  const app = await electron.launch({ executablePath: binary, args: ['--no-sandbox', root], env: { ...process.env, CHARON_DATA_DIR: dataDir } });
  try {
    const page = await app.firstWindow();
    await expect(page.getByRole('heading', { level: 1, name: 'Overview' })).toBeVisible();
    expect(new URL(page.url()).hostname).toBe('localhost');
    // The page has the preload's named functions and nothing of Node.
    expect(await page.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe('undefined');
    const status = await page.evaluate(async () => {
      const api = (globalThis as unknown as { charon: Record<string, (input: unknown) => Promise<{ ok: boolean; value: { agentUrl: string | null } }>> }).charon;
      return api['status.get']?.({});
    });
    expect(status?.ok).toBe(true);
    expect(status?.value.agentUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    // Navigation away is refused: the console stays on its own origin.
    await page.evaluate(() => {
      (globalThis as unknown as { location: { href: string } }).location.href = 'https://example.com/';
    });
    await page.waitForTimeout(500);
    expect(new URL(page.url()).hostname).toBe('localhost');
    await expect(page.locator('.topbar .stream')).toHaveText('● live');
  } finally {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
