// Where the Electron executable is, or null when none is installed, found the way
// electron/index.js finds it but without calling it: Electron's own entry points download the
// binary on first use, which fails on machines without network access.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** @param {string} root the repository root @returns {string | null} */
export function findElectronBinary(root) {
  const packageDir = join(root, 'node_modules', 'electron');
  const pathFile = join(packageDir, 'path.txt');
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : '';
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  if (override) {
    const candidate = join(override, relative || 'electron');
    return existsSync(candidate) ? candidate : null;
  }
  if (!relative) return null;
  const candidate = join(packageDir, 'dist', relative);
  return existsSync(candidate) ? candidate : null;
}
