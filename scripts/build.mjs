// npm run build: compiles the main-process code for Node (the CLI and `charon serve`) and
// bundles the console for the headless bridge. The Electron bundle is `electron-vite build`.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';

function run(args) {
  const result = spawnSync(npx, args, { stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

run(['tsc', '-p', 'tsconfig.build.json']);
if (existsSync('vite.renderer.config.ts')) run(['vite', 'build', '--config', 'vite.renderer.config.ts', '--logLevel', 'warn']);
