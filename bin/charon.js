#!/usr/bin/env node
// The `charon` command: runs the compiled CLI (npm install builds it via the prepare script).
import { existsSync } from 'node:fs';

const entry = new URL('../dist/src-main/cli/charon.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('charon: not built yet; run `npm run build` in the Charon directory\n');
  process.exit(1);
}
await import(entry.href);
