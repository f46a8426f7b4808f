// Builds what the e2e run needs when it is missing or older than its sources, so a test run
// never exercises stale code: the compiled control plane (dist/src-main) and the console that
// `charon serve` serves (dist/renderer).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(path)) {
    if (entry === 'node_modules') continue;
    newest = Math.max(newest, newestMtime(join(path, entry)));
  }
  return newest;
}

function isStale(root: string, output: string, sources: readonly string[]): boolean {
  const built = newestMtime(join(root, output));
  return built === 0 || sources.some((source) => newestMtime(join(root, source)) > built);
}

function run(root: string, command: string, args: readonly string[]): void {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.error?.message ?? `exit ${result.status}`})`);
}

export function ensureBuilt(root: string): void {
  const stale =
    isStale(root, 'dist/src-main', ['src-main', 'src-shared']) ||
    isStale(root, 'dist/renderer/index.html', ['src-renderer', 'src-shared', 'vite.renderer.config.ts']);
  // `npm run build` compiles the control plane and bundles the console into dist/renderer.
  if (stale) run(root, 'npm', ['run', 'build']);
}
