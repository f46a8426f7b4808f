// npm run soak: the load and crash suites of issue 8, longer and wider than in CI.
//   CHARON_SOAK_SECONDS  how long the load runs (default 300), 50 agents
//   CHARON_SOAK_KILLS    how many kill -9 / restart rounds the crash suite does (default 20)
// Figures land in test-results/proof/soak.json and crash.json.
import { spawnSync } from 'node:child_process';
import { proofSummary } from './proof-summary.mjs';

const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
const env = { ...process.env, CHARON_SOAK_SECONDS: process.env.CHARON_SOAK_SECONDS ?? '300', CHARON_SOAK_KILLS: process.env.CHARON_SOAK_KILLS ?? '20' };
const build = spawnSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', '--silent', 'build'], { stdio: 'inherit', env });
if (build.status !== 0) process.exit(build.status ?? 1);
const run = spawnSync(npx, ['vitest', 'run', 'src-main/cli/serve-load.test.ts', 'src-main/cli/serve-crash.test.ts'], { stdio: 'inherit', env });
process.stdout.write(`\nProof figures: ${JSON.stringify(proofSummary())}\n`);
process.exit(run.status ?? 1);
