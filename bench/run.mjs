// npm run bench: every measurement, each as a median ratio against a baseline of the same run.
// Prints a table and writes bench/results.json. Options: --rounds N, --ms N (per sample), --concurrency N.
// `node bench/run.mjs gateway` (or any of the suite names below) runs only those (and writes no results.json).
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ensureBuilt, repoRoot } from './lib/build.mjs';
import { table } from './lib/report.mjs';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { rounds: { type: 'string', default: '5' }, ms: { type: 'string', default: '800' }, concurrency: { type: 'string', default: '64' } } });
const options = { rounds: Number(values.rounds), ms: Number(values.ms), concurrency: Number(values.concurrency) };
const SUITES = ['credentials', 'verify-breakdown', 'durability', 'reaper', 'gateway', 'delegation', 'store'];
const only = positionals.length > 0 ? positionals : SUITES;
for (const name of only) if (!SUITES.includes(name)) throw new Error(`unknown bench "${name}"; one of: ${SUITES.join(', ')}`);
const full = only.length === SUITES.length;

console.log(ensureBuilt());
const { benchRoot, benchRootIsTmpfs } = await import('./lib/plane.mjs');
const { runCredentials } = await import('./credentials.mjs');
const { runDurability } = await import('./durability.mjs');
const { runVerifyBreakdown } = await import('./verify-breakdown.mjs');
const { runReaper } = await import('./reaper.mjs');
const { runGateway } = await import('./gateway.mjs');
const { runDelegation } = await import('./delegation.mjs');
const { runStore } = await import('./store.mjs');
const runners = { credentials: runCredentials, 'verify-breakdown': runVerifyBreakdown, durability: runDurability, reaper: runReaper, gateway: runGateway, delegation: runDelegation, store: runStore };

const started = Date.now();
const loadBefore = os.loadavg();
const rows = [];
for (const name of SUITES) if (only.includes(name)) rows.push(...(await runners[name](options)));
const seconds = (Date.now() - started) / 1000;

console.log(`\n${table(rows)}\n`);
console.log(`ratio = median over ${options.rounds} rounds of subject/baseline; in each round baseline and subjects run interleaved in short slices, order alternating;`);
console.log(`sequential = one awaited at a time (raw baseline: synchronous crypto.sign/verify);`);
console.log(`concurrent ${options.concurrency} = ${options.concurrency} in flight (raw baseline: callback crypto.sign/verify on the libuv threadpool, as WebCrypto).`);
console.log(`breakdown rows (+ ...) add the steps of authority.verify one by one to the raw signature check; durability ratio = 'full' / 'normal' issuance.`);
console.log(`delegation rows: exchange against direct issuance; verify of a 3-hop token against a direct one (same token again: the per-call path; first presentation: signature too).`);
console.log(`store rows: Postgres (team mode, a local server started by the bench) against the SQLite file, same operations, same run.`);
console.log(`gateway rows: echo tools/call, ratio = calls/s against the direct stdio client (the target rows: against the SDK proxy of the same rounds); latencies are printed above the table.`);
console.log(`${os.cpus().length} CPUs, Node ${process.version}, databases in ${benchRoot}${benchRootIsTmpfs ? ' (tmpfs: fsync is free, set CHARON_BENCH_DIR)' : ''}; ${seconds.toFixed(0)} s; load average ${loadBefore[0].toFixed(1)} before, ${os.loadavg()[0].toFixed(1)} after.`);

let commit = null;
try {
  commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: repoRoot, encoding: 'utf8' }).trim();
} catch {
  // not a git checkout
}
const results = {
  date: new Date().toISOString(),
  commit,
  machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? null, node: process.version, platform: `${process.platform} ${os.release()}`, loadavg: { before: loadBefore, after: os.loadavg() }, benchRoot, benchRootIsTmpfs },
  options,
  seconds,
  rows,
};
if (!full) {
  console.log(`ran ${only.join(', ')} only: bench/results.json left as it was (a full run writes it)`);
  process.exit(0);
}
writeFileSync(join(repoRoot, 'bench', 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
console.log('wrote bench/results.json');
