#!/usr/bin/env node
// npm run screenshots: runs the e2e flows that photograph every view (light and dark; the
// audit view also with a broken chain) and
// writes the pictures to docs/screenshots/, the copies committed and linked from the README.
import { spawnSync } from 'node:child_process';

const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
const result = spawnSync(npx, ['playwright', 'test', 'e2e/operator-flows.spec.ts', 'e2e/audit-tamper.spec.ts'], { stdio: 'inherit', env: { ...process.env, CHARON_SCREENSHOTS_DIR: 'docs/screenshots' } });
process.exit(result.status ?? 1);
