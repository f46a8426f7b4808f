// node bench/console.mjs: the console in Chromium against a real control plane and bridge.
//  - inventory: time from opening the Identities view to its first rows, and to a re-sort, at
//    10,000 identities, as a ratio against the same at 100 identities (baseline, same run);
//  - feed: 1,000 audit records a second pushed for 5 s into the open Audit view: records shown
//    per second, how far behind the newest shown is, and frames per second against the same
//    page idle for 5 s (baseline, same run); then past 100,000 records held, frames per second
//    while scrolling the feed (against idle) and the time an agent filter takes.
//    Writes bench/console-results.json.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import { ensureBuilt, repoRoot } from './lib/build.mjs';

console.log(ensureBuilt());
const { ControlPlane } = await import('../dist/src-main/app/control-plane.js');
const { startOperatorBridge } = await import('../dist/src-main/http/operator-bridge.js');
const { subscribeOperatorEvents } = await import('../dist/src-main/app/operator-events.js');

const ROUNDS = 3;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function openConsolePlane(identities) {
  const dataDir = mkdtempSync(join(os.tmpdir(), 'charon-bench-console-'));
  const masterKey = randomBytes(32);
  const plane = await ControlPlane.open({ dataDir, masterKeyProvider: { load: async () => masterKey } });
  for (let i = 0; i < identities; i++) {
    await plane.handlers['identities.register']({ id: `agent-${String(i).padStart(5, '0')}`, owner: `owner-${i % 50}`, environment: ['dev', 'test', 'prod'][i % 3], selectors: [], scopes: [] });
  }
  const bridge = await startOperatorBridge({ handlers: plane.handlers, port: 0, staticDir: join(repoRoot, 'dist', 'renderer'), subscribe: (sink) => subscribeOperatorEvents(plane.audit, sink) });
  plane.endpoints.bridgeUrl = bridge.origin;
  return {
    plane,
    bridge,
    async close() {
      await bridge.close();
      await plane.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

const browser = await chromium.launch({
  executablePath: process.env.CHARON_CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});

/** Opens the inventory; ms until its first rows show, then until a re-sort (newest id first) shows. */
async function inventoryTimes(bridgeUrl, count) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const url = new URL(bridgeUrl);
  const started = Date.now();
  await page.goto(`${url.origin}/#view=identities&${url.hash.slice(1)}`);
  await page.getByText(`of ${count.toLocaleString('en-US')} identities`).waitFor();
  await page.locator('[data-identity]').first().waitFor();
  const render = Date.now() - started;
  const last = `agent-${String(count - 1).padStart(5, '0')}`;
  const sortStarted = Date.now();
  await page.getByRole('button', { name: /^Agent/ }).click();
  await page.locator('[data-identity]').first().and(page.locator(`[data-identity="${last}"]`)).waitFor();
  const sort = Date.now() - sortStarted;
  const domRows = await page.locator('[data-identity]').count();
  await page.close();
  return { render, sort, domRows };
}

/** Frames per second on the open page over `ms`, while `during` runs. */
async function framesWhile(page, ms, during) {
  const counting = page.evaluate(
    (duration) =>
      new Promise((resolve) => {
        let frames = 0;
        const start = performance.now();
        const tick = () => {
          frames++;
          if (performance.now() - start < duration) globalThis.requestAnimationFrame(tick);
          else resolve((frames * 1000) / (performance.now() - start));
        };
        globalThis.requestAnimationFrame(tick);
      }),
    ms,
  );
  await during();
  return counting;
}

const rows = [];
// Inventory: 10,000 identities against 100, each measured ROUNDS times on a fresh page.
const small = await openConsolePlane(100);
const large = await openConsolePlane(10_000);
try {
  const smallRuns = [];
  const largeRuns = [];
  for (let round = 0; round < ROUNDS; round++) {
    smallRuns.push(await inventoryTimes(small.bridge.url, 100));
    largeRuns.push(await inventoryTimes(large.bridge.url, 10_000));
  }
  const m = (runs, key) => median(runs.map((r) => r[key]));
  rows.push({ subject: 'inventory render, 10,000 identities', ms: m(largeRuns, 'render'), baseline: 'same, 100 identities', baselineMs: m(smallRuns, 'render'), domRows: m(largeRuns, 'domRows') });
  rows.push({ subject: 'inventory re-sort, 10,000 identities', ms: m(largeRuns, 'sort'), baseline: 'same, 100 identities', baselineMs: m(smallRuns, 'sort'), domRows: m(largeRuns, 'domRows') });
} finally {
  await small.close();
}

// Feed: 1,000 records a second into the open Audit view of the 10,000-identity plane.
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const url = new URL(large.bridge.url);
  await page.goto(`${url.origin}/#view=audit&${url.hash.slice(1)}`);
  await page.getByText('● live').waitFor();
  await page.locator('[data-seq]').first().waitFor();
  const headBefore = (await large.plane.handlers['status.get']({})).auditHeadSeq;
  const idleFps = await framesWhile(page, 5000, async () => undefined);
  const RATE = 1000;
  const SECONDS = 5;
  let appended = 0;
  const pumpFps = await framesWhile(page, SECONDS * 1000, async () => {
    const start = Date.now();
    // 10 records every 10 ms, catching up if the event loop was late: 1,000 a second.
    while (Date.now() - start < SECONDS * 1000) {
      const due = Math.floor(((Date.now() - start) / 1000) * RATE);
      while (appended < due) {
        await large.plane.handlers['joinTokens.create']({ agentId: `agent-${String(appended % 10_000).padStart(5, '0')}` });
        appended++;
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  });
  const pumpEnded = Date.now();
  const head = headBefore + appended;
  await page.locator(`[data-seq="${head}"]`).waitFor({ timeout: 30_000 });
  const catchUpMs = Date.now() - pumpEnded;
  const held = Number((await page.locator('.feed-meta').textContent())?.match(/of ([\d,]+) record/)?.[1]?.replace(/,/g, '') ?? 0);
  rows.push({ subject: `audit feed, ${RATE} records/s for ${SECONDS} s`, appendedPerSecond: appended / SECONDS, fps: pumpFps, baseline: 'same page idle', baselineFps: idleFps, lastShownAfterMs: catchUpMs, held });

  // Then past 100,000 records held: scrolling the feed, against the same page idle.
  const TARGET = 100_000;
  for (let i = held; i < TARGET + 1000; i++) await large.plane.handlers['joinTokens.create']({ agentId: `agent-${String(i % 10_000).padStart(5, '0')}` });
  const finalHead = (await large.plane.handlers['status.get']({})).auditHeadSeq;
  await page.locator(`[data-seq="${finalHead}"]`).waitFor({ timeout: 120_000 });
  const bigHeld = Number((await page.locator('.feed-meta').textContent())?.match(/of ([\d,]+) record/)?.[1]?.replace(/,/g, '') ?? 0);
  const scroller = page.getByRole('rowgroup', { name: /^Audit records/ });
  const idleBig = await framesWhile(page, 3000, async () => undefined);
  const scrollFps = await framesWhile(page, 3000, async () => {
    const start = Date.now();
    while (Date.now() - start < 3000) {
      await scroller.evaluate((el) => {
        el.scrollTop = (el.scrollTop + 1500) % el.scrollHeight;
      });
      await new Promise((resolve) => setTimeout(resolve, 16));
    }
  });
  const filterStarted = Date.now();
  await page.getByRole('search', { name: 'Filter audit records' }).getByLabel('Agent').fill('agent-04242');
  await page.getByText(/^Live · [\d,]+ of /).filter({ hasNotText: `${bigHeld.toLocaleString('en-US')} of` }).waitFor();
  const filterMs = Date.now() - filterStarted;
  rows.push({ subject: `audit feed scrolled, ${bigHeld.toLocaleString('en-US')} records held`, fps: scrollFps, baseline: 'same page idle', baselineFps: idleBig, filterMs, held: bigHeld });
  await page.close();
} finally {
  await large.close();
  await browser.close();
}

for (const row of rows) {
  if ('ms' in row) console.log(`${row.subject}: ${row.ms} ms (baseline ${row.baseline}: ${row.baselineMs} ms, ratio ${(row.ms / row.baselineMs).toFixed(2)}); ${row.domRows} rows in the DOM`);
  else if (!('appendedPerSecond' in row))
    console.log(`${row.subject}: ${row.fps.toFixed(1)} frames/s while scrolling 1,500 px per frame (baseline ${row.baseline}: ${row.baselineFps.toFixed(1)}, ratio ${(row.fps / row.baselineFps).toFixed(2)}); agent filter over all of them shown in ${row.filterMs} ms`);
  else
    console.log(
      `${row.subject}: ${row.appendedPerSecond.toFixed(0)} appended/s, ${row.fps.toFixed(1)} frames/s (baseline ${row.baseline}: ${row.baselineFps.toFixed(1)}, ratio ${(row.fps / row.baselineFps).toFixed(2)}); newest shown ${row.lastShownAfterMs} ms after the last append; ${row.held} records held`,
    );
}
console.log(`${os.cpus().length} CPUs, Node ${process.version}, load average ${os.loadavg()[0].toFixed(1)}; median of ${ROUNDS} rounds for the inventory.`);
writeFileSync(join(repoRoot, 'bench', 'console-results.json'), `${JSON.stringify({ date: new Date().toISOString(), cpus: os.cpus().length, loadavg: os.loadavg(), rows }, null, 2)}\n`);
