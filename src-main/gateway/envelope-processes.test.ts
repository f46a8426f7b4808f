// Cross-process atomicity for real: three gateway processes and this one hammer the same caps
// on one SQLite file at the same moment. Their rate buckets are per process by design; the caps
// are not. Over-admission can only happen where a cap is about to fill, so the processes walk
// through many days together: every day is a fresh cap, and a fresh race at its boundary.
// (A reserve that reads the total and then writes it, outside one transaction, fails here.)
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import type { Envelope } from '../../src-shared/grant.js';
import { capUsageKey } from '../core/envelope-caps.js';
import { periodStart } from '../core/envelope-time.js';
import { openSqliteStore } from '../store/sqlite-store.js';
import { transpileForChild } from '../test-support/transpiled-modules.js';
import { EnvelopeEnforcer } from './envelope.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

const CAP = 10n;
const DAYS = 120;
const CALLS_PER_DAY = 16;
const envelope: Envelope = { timeZone: 'Europe/Paris', caps: [{ tool: 'pay__charge', arg: 'amount', max: String(CAP), per: 'day' }] };
const FIRST_DAY = Date.UTC(2026, 5, 1, 12);
const DAY = 86_400_000;
const ONE = 10_000n;

// The loop every process runs. Every third admitted call is released (as if a later check
// refused it), so releases race with reservations too.
const LOOP = `
let committed = 0n;
for (let day = 0; day < ${DAYS}; day++) {
  for (let i = 0; i < ${CALLS_PER_DAY}; i++) {
    const r = enforcer.admit({ agentId: 'a', grantId: 'g1', envelope, tool: 'pay__charge', amounts: { amount: ${ONE}n }, now: ${FIRST_DAY} + day * ${DAY} });
    if (!r.ok) continue;
    if (i % 3 === 0) r.release();
    else { r.commit(); committed += ${ONE}n; }
  }
}`;

const CHILD = `
import { openDatabase, sqliteTransactor } from './src-main/store/database.js';
import { sqliteEnvelopeUsageRepository } from './src-main/store/envelope-usage-repository.js';
import { EnvelopeEnforcer } from './src-main/gateway/envelope.js';
const [path, startAt] = process.argv.slice(2);
const envelope = ${JSON.stringify(envelope)};
const db = openDatabase(path);
const enforcer = new EnvelopeEnforcer({ usage: sqliteEnvelopeUsageRepository(db, sqliteTransactor(db)) });
while (Date.now() < Number(startAt)) {} // line the processes up so their calls really overlap
${LOOP}
db.close();
process.stdout.write(committed.toString());
`;

/** LOOP, in this process. */
function loopHere(enforcer: EnvelopeEnforcer): bigint {
  let committed = 0n;
  for (let day = 0; day < DAYS; day++) {
    for (let i = 0; i < CALLS_PER_DAY; i++) {
      const r = enforcer.admit({ agentId: 'a', grantId: 'g1', envelope, tool: 'pay__charge', amounts: { amount: ONE }, now: FIRST_DAY + day * DAY });
      if (!r.ok) continue;
      if (i % 3 === 0) r.release();
      else {
        r.commit();
        committed += ONE;
      }
    }
  }
  return committed;
}

function run(script: string, args: string[]): Promise<bigint> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args]);
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) => (code === 0 ? resolve(BigInt(out)) : reject(new Error(`child exited ${code}: ${err}`))));
  });
}

it('three gateway processes and this one never exceed a shared cap together', async () => {
  const tree = transpileForChild(['src-main/store/database.ts', 'src-main/store/envelope-usage-repository.ts', 'src-main/gateway/envelope.ts']);
  cleanups.push(tree.remove);
  const script = join(tree.dir, 'child.mjs');
  writeFileSync(script, CHILD);
  const dataDir = mkdtempSync(join(tmpdir(), 'charon-envelope-'));
  cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
  const path = join(dataDir, 'charon.db');
  const store = openSqliteStore(path); // creates the schema before the children open it
  cleanups.push(() => store.close());

  const startAt = Date.now() + 1500;
  const children = [0, 1, 2].map(() => run(script, [path, String(startAt)]));
  while (Date.now() < startAt) await new Promise((r) => setTimeout(r, 5));
  const committedHere = loopHere(new EnvelopeEnforcer({ usage: store.envelopeUsage }));
  const committed = (await Promise.all(children)).reduce((a, b) => a + b, committedHere);

  let total = 0n;
  for (let day = 0; day < DAYS; day++) {
    const now = FIRST_DAY + day * DAY;
    const used = store.envelopeUsage.used(capUsageKey('g1', 'pay__charge', 'amount', 'day'), periodStart(now, 'day', 'Europe/Paris'));
    expect(used, `day ${day}`).toBeLessThanOrEqual(CAP * ONE);
    total += used;
  }
  expect(total).toBe(committed);
  // 64 attempts a day at 1.00 against 10.00: the caps filled, so the processes did compete.
  expect(total).toBeGreaterThanOrEqual(BigInt(DAYS) * (CAP - 1n) * ONE);
}, 60_000);
