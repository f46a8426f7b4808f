// npm test: type-check, lint, unit and integration tests (vitest), end-to-end tests (Playwright
// with Debian's Chromium). Ends with the plain summary line "N passed, N failed".
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { proofSummary } from './proof-summary.mjs';

const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
const results = 'test-results';
rmSync(results, { recursive: true, force: true });
mkdirSync(results, { recursive: true });

let passed = 0;
let failed = 0;
const failures = [];

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function step(name, args, env = {}) {
  process.stdout.write(`\n── ${name}\n`);
  // npm scripts run through npm itself: `npx npm` looks npm up as a package to fetch wherever
  // Node is not the one npm came with (Node 22 from the registry, scripts/use-node22.sh).
  const [command, rest] = args[0] === 'npm' ? [npm, args.slice(1)] : [npx, args];
  const result = spawnSync(command, rest, { stdio: 'inherit', env: { ...process.env, ...env } });
  return result.status === 0;
}

function readJson(path) {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return null;
  }
}

// Static checks are not counted as tests, but a failing one fails the run and shows in the count.
for (const [name, args] of [
  ['type-check (main, shared, renderer, tools)', ['npm', 'run', '--silent', 'typecheck']],
  ['lint (layer rules)', ['eslint', '--max-warnings', '0', '.']],
  ['build', ['npm', 'run', '--silent', 'build']],
]) {
  if (!step(name, args)) {
    failed++;
    failures.push(name);
  }
}

// The load and kill -9 suites (issue 8; two replicas on Postgres, issue 17) keep both cores busy: they run on their own after the
// rest, so no other test's timeout has to share the machine with them.
const HEAVY = ['src-main/cli/serve-load.test.ts', 'src-main/cli/serve-crash.test.ts', 'src-main/cli/serve-replicas.test.ts'];
const vitestSteps = [
  ['unit and integration tests (vitest)', ['vitest', 'run', ...HEAVY.flatMap((f) => ['--exclude', f]), '--reporter=default', '--reporter=json', `--outputFile.json=${results}/unit.json`], `${results}/unit.json`],
  ['load and crash proof (vitest, one file at a time)', ['vitest', 'run', ...HEAVY, '--no-file-parallelism', '--reporter=default', '--reporter=json', `--outputFile.json=${results}/proof.json`], `${results}/proof.json`],
];
for (const [name, args, report] of vitestSteps) {
  step(name, args);
  const unit = readJson(report);
  if (unit) {
    passed += unit.numPassedTests;
    failed += unit.numFailedTests;
    if (unit.numFailedTests > 0 || unit.numFailedTestSuites > 0) failures.push(name);
    if (unit.numFailedTestSuites > 0 && unit.numFailedTests === 0) failed += unit.numFailedTestSuites;
  } else {
    failed++;
    failures.push(`${name} (no report)`);
  }
}

// What the load, crash, fault and fuzz suites tried (issue 8), as the README's security section quotes it.
const proof = proofSummary(`${results}/proof`);
if (proof) process.stdout.write(`\nProof figures: ${JSON.stringify(proof)}\n`);

const hasE2e = existsSync('e2e') && readdirSync('e2e').some((f) => f.endsWith('.spec.ts'));
if (hasE2e) {
  step('end-to-end tests (Playwright, Chromium)', ['playwright', 'test'], { PLAYWRIGHT_JSON_OUTPUT_NAME: `${results}/e2e.json` });
  const e2e = readJson(`${results}/e2e.json`);
  if (e2e?.stats) {
    passed += e2e.stats.expected + (e2e.stats.flaky ?? 0);
    failed += e2e.stats.unexpected;
    if (e2e.stats.unexpected > 0) failures.push('playwright');
  } else {
    failed++;
    failures.push('playwright (no report)');
  }
}

if (failures.length > 0) process.stdout.write(`\nFailed: ${failures.join(', ')}\n`);
process.stdout.write(`\n${passed} passed, ${failed} failed\n`);
process.exit(failed > 0 ? 1 : 0);
