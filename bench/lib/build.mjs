// Makes sure dist/src-main is compiled from the current sources (tsc -p tsconfig.build.json).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const marker = join(repoRoot, 'dist', 'src-main', 'app', 'control-plane.js');

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/** Compiles when dist/ is missing or older than a source file; returns what it did. */
export function ensureBuilt() {
  const built = existsSync(marker) ? statSync(marker).mtimeMs : 0;
  const sources = Math.max(newestSource(join(repoRoot, 'src-main')), newestSource(join(repoRoot, 'src-shared')));
  if (built >= sources) return 'dist/ is up to date';
  const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
  const result = spawnSync(npx, ['tsc', '-p', 'tsconfig.build.json'], { cwd: repoRoot, stdio: 'inherit' });
  const what = built === 0 ? 'built dist/ (was missing)' : 'rebuilt dist/ (sources were newer)';
  if (result.status === 0) return what;
  // tsc still emits on type errors; measure that output rather than nothing, but say so.
  if (existsSync(marker) && statSync(marker).mtimeMs > built) return `${what}; tsc reported type errors (above)`;
  throw new Error(`tsc -p tsconfig.build.json failed (exit ${result.status})`);
}
