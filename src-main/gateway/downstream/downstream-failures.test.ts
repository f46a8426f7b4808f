// How the downstream side fails: a child killed mid-call, a hung server, a server that prints
// garbage, a command that does not exist, an unhealthy server; restarts with backoff; no orphans.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock.js';
import { isCharonError } from '../../core/errors.js';
import { openSqliteStore, type Store } from '../../store/sqlite-store.js';
import { DownstreamManager, type DownstreamOptions } from './downstream-manager.js';
import { eventually, everythingServer, garbageServer, hungServer, hungServerScript, isRunning, ManualTimers } from './test-fixtures/servers.js';
import type { Timers } from './timers.js';

let dir: string;
let store: Store;
const managers: DownstreamManager[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'charon-downstream-'));
  store = openSqliteStore(join(dir, 'charon.db'));
});

afterEach(async () => {
  await Promise.all(managers.splice(0).map((m) => m.close()));
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

function open(options: Partial<DownstreamOptions> = {}, timers?: Timers, clock?: ManualClock): DownstreamManager {
  const manager = new DownstreamManager({ repo: store.mcpServers, timers, clock, options: { connectTimeoutMs: 10_000, requestTimeoutMs: 10_000, ...options } });
  managers.push(manager);
  return manager;
}

/** Settles to the error (or fails the test), with how long it took. */
async function failure(promise: Promise<unknown>): Promise<{ error: unknown; ms: number }> {
  const started = Date.now();
  try {
    await promise;
  } catch (error) {
    return { error, ms: Date.now() - started };
  }
  throw new Error('expected a failure');
}

describe('a child killed mid-call', () => {
  it('rejects the in-flight call promptly with ERR_DOWNSTREAM_UNAVAILABLE; the next call succeeds after the automatic restart', async () => {
    const manager = open();
    await manager.set('everything', everythingServer());
    await manager.listTools('everything');
    const pid = manager.pidOf('everything');
    if (pid === null) throw new Error('no pid');

    const call = manager.callTool('everything', 'trigger-long-running-operation', { duration: 10, steps: 10 });
    await new Promise((resolve) => setTimeout(resolve, 150));
    const killedAt = Date.now();
    process.kill(pid, 'SIGKILL');
    const { error } = await failure(call);
    expect(Date.now() - killedAt).toBeLessThan(2000);
    expect(isCharonError(error, 'ERR_DOWNSTREAM_UNAVAILABLE')).toBe(true);
    expect(String((error as Error).message)).toMatch(/'everything' is unavailable: the server process exited.*during tools\/call/);
    expect(['backoff', 'starting', 'running']).toContain(manager.statusOf('everything').state);

    // The next call waits for the restart (due in 250 ms) instead of failing.
    const echo = await manager.callTool('everything', 'echo', { message: 'back again' });
    expect(JSON.stringify(echo.content)).toContain('back again');
    expect(manager.statusOf('everything')).toMatchObject({ state: 'running', restarts: 1 });
    expect(manager.statusOf('everything').lastError).toMatch(/process exited/);
    expect(manager.pidOf('everything')).not.toBe(pid);
  });
});

describe('restart backoff (injected timers)', () => {
  it('doubles the delay per crash, restarts only when the timer fires, and resets after a stable period', async () => {
    const timers = new ManualTimers();
    const clock = new ManualClock();
    const manager = open({ backoff: { initialMs: 250, maxMs: 1000, stableMs: 60_000, maxAttempts: 10 } }, timers, clock);
    await manager.set('hung', hungServer());
    const isRestart = (ms: number) => ms <= 1000;

    const delays: number[] = [];
    for (let crash = 1; crash <= 4; crash++) {
      await manager.listTools('hung');
      process.kill(manager.pidOf('hung') ?? -1, 'SIGKILL');
      await eventually(() => manager.statusOf('hung').state === 'backoff');
      delays.push(...timers.pending().filter(isRestart));
      expect(manager.statusOf('hung').restarts).toBe(crash - 1); // nothing happens until the timer fires
      timers.fire(isRestart);
      await eventually(() => manager.statusOf('hung').state === 'running');
      expect(manager.statusOf('hung').restarts).toBe(crash);
    }
    expect(delays).toEqual([250, 500, 1000, 1000]);

    // Up for longer than the stable period: the next crash starts again from the first delay.
    clock.advance(60_000);
    process.kill(manager.pidOf('hung') ?? -1, 'SIGKILL');
    await eventually(() => manager.statusOf('hung').state === 'backoff');
    expect(timers.pending().filter(isRestart)).toEqual([250]);
  });

  it('gives up after maxAttempts failed restarts (failed), and the next use starts it again', async () => {
    const timers = new ManualTimers();
    const manager = open({ backoff: { initialMs: 250, maxMs: 1000, stableMs: 60_000, maxAttempts: 2 } }, timers);
    // Starts once; while the marker file exists every later start fails at once.
    const marker = join(dir, 'broken');
    const script = `const fs = require('node:fs'); if (fs.existsSync(${JSON.stringify(marker)})) { console.error('broken on purpose'); process.exit(1); } import(${JSON.stringify(hungServerScript)});`;
    await manager.set('flaky', { command: process.execPath, args: ['-e', script], env: {} });
    await manager.listTools('flaky');
    writeFileSync(marker, '');
    process.kill(manager.pidOf('flaky') ?? -1, 'SIGKILL');
    const isRestart = (ms: number) => ms <= 1000;
    await eventually(() => manager.statusOf('flaky').state === 'backoff');
    for (const delay of [250, 500]) {
      expect(timers.pending().filter(isRestart)).toEqual([delay]);
      timers.fire(isRestart);
      await eventually(() => ['backoff', 'failed'].includes(manager.statusOf('flaky').state));
    }
    expect(manager.statusOf('flaky')).toMatchObject({ state: 'failed', restarts: 2, lastError: expect.stringContaining('broken on purpose') });
    rmSync(marker);
    expect(await manager.listTools('flaky')).toHaveLength(1);
    expect(manager.statusOf('flaky')).toMatchObject({ state: 'running', restarts: 2 });
  });

  it('a call during a long backoff fails fast instead of waiting', async () => {
    const timers = new ManualTimers();
    // A backoff longer than the connect timeout fails calls at once (a shorter one is waited for);
    // the restart timer is manual, so a call that waited would never end.
    const manager = open({ connectTimeoutMs: 2000, backoff: { initialMs: 5000, maxMs: 5000, stableMs: 60_000, maxAttempts: 10 } }, timers);
    await manager.set('hung', hungServer());
    await manager.listTools('hung');
    process.kill(manager.pidOf('hung') ?? -1, 'SIGKILL');
    await eventually(() => manager.statusOf('hung').state === 'backoff');
    const { error, ms } = await failure(manager.listTools('hung'));
    expect(isCharonError(error, 'ERR_DOWNSTREAM_UNAVAILABLE')).toBe(true);
    expect((error as Error).message).toMatch(/crashed .*next restart in up to 5000 ms/);
    expect(ms).toBeLessThan(1000);
  });
});

describe('a hung server', () => {
  it('a tools/call it never answers ends in ERR_DOWNSTREAM_TIMEOUT in bounded time, and the server stays usable', async () => {
    const manager = open({ requestTimeoutMs: 400 });
    await manager.set('hung', hungServer());
    const { error, ms } = await failure(manager.callTool('hung', 'hang', {}));
    expect(isCharonError(error, 'ERR_DOWNSTREAM_TIMEOUT')).toBe(true);
    expect((error as Error).message).toBe("downstream server 'hung' did not answer tools/call within 400 ms");
    expect(ms).toBeLessThan(3000);
    // A per-call timeout overrides the default.
    const quick = await failure(manager.callTool('hung', 'hang', {}, { timeoutMs: 100 }));
    expect(quick.ms).toBeLessThan(1000);
    // Slow is not dead: no restart, and other requests still work.
    expect((await manager.listTools('hung')).map((t) => t.name)).toEqual(['hang']);
    expect(manager.statusOf('hung')).toMatchObject({ state: 'running', restarts: 0 });
  });

  it('the health check restarts a server that stops answering pings', async () => {
    const timers = new ManualTimers();
    const manager = open({ health: { intervalMs: 30_000, timeoutMs: 200, failures: 2 } }, timers);
    await manager.set('hung', hungServer());
    await manager.listTools('hung');
    const pid = manager.pidOf('hung') ?? -1;
    // Freeze the process: alive, but it answers nothing.
    process.kill(pid, 'SIGSTOP');
    try {
      const isPing = (ms: number) => ms === 30_000;
      timers.fire(isPing);
      await eventually(() => timers.pending().includes(30_000));
      expect(manager.statusOf('hung').state).toBe('running'); // one missed ping is not enough
      timers.fire(isPing);
      await eventually(() => manager.statusOf('hung').state === 'backoff');
      expect(manager.statusOf('hung').lastError).toMatch(/health check failed: no answer to ping \(2 in a row\)/);
      await eventually(() => !isRunning(pid));
    } finally {
      if (isRunning(pid)) process.kill(pid, 'SIGKILL');
    }
  });
});

describe('servers that cannot start', () => {
  it('garbage on stdout: a clear error naming it, the manager keeps working', async () => {
    const manager = open({ connectTimeoutMs: 800 });
    await manager.set('garbage', garbageServer());
    await manager.set('hung', hungServer());
    const { error, ms } = await failure(manager.listTools('garbage'));
    expect(isCharonError(error, 'ERR_DOWNSTREAM_UNAVAILABLE')).toBe(true);
    const message = (error as Error).message;
    expect(message).toContain("downstream server 'garbage' is unavailable: no answer to initialize within 800 ms");
    expect(message).toContain('not JSON-RPC');
    expect(message).toContain('stderr: garbage server listening');
    expect(ms).toBeLessThan(3000);
    expect(manager.statusOf('garbage')).toMatchObject({ state: 'failed', lastError: expect.stringContaining('not JSON-RPC') });
    // Ours did not crash: other servers work.
    expect((await manager.listTools('hung')).length).toBe(1);
  });

  it('a command that does not exist', async () => {
    const manager = open();
    await manager.set('missing', { command: join(dir, 'no-such-binary'), args: [], env: {} });
    const { error } = await failure(manager.listTools('missing'));
    expect(isCharonError(error, 'ERR_DOWNSTREAM_UNAVAILABLE')).toBe(true);
    expect((error as Error).message).toMatch(/start failed: .*ENOENT/);
    expect(manager.statusOf('missing').state).toBe('failed');
  });

  it('a process that exits at once', async () => {
    const manager = open();
    await manager.set('exits', { command: process.execPath, args: ['-e', 'console.error("bad config, bye"); process.exit(3)'], env: {} });
    const { error, ms } = await failure(manager.listTools('exits'));
    expect(isCharonError(error, 'ERR_DOWNSTREAM_UNAVAILABLE')).toBe(true);
    expect((error as Error).message).toContain('stderr: bad config, bye');
    expect(ms).toBeLessThan(3000);
  });

  it('a remote server that is not listening', async () => {
    const manager = open({ connectTimeoutMs: 2000 });
    await manager.set('remote', { url: 'http://127.0.0.1:9/mcp', headers: {} });
    const { error } = await failure(manager.listTools('remote'));
    expect(isCharonError(error, 'ERR_DOWNSTREAM_UNAVAILABLE')).toBe(true);
  });
});

describe('lifecycle', () => {
  it('concurrent first uses share one start: one process, one connection', async () => {
    const manager = open();
    const starts = join(dir, 'starts.log');
    const script = `require('node:fs').appendFileSync(${JSON.stringify(starts)}, 'x'); import(${JSON.stringify(hungServerScript)});`;
    await manager.set('shared', { command: process.execPath, args: ['-e', script], env: {} });
    const lists = await Promise.all(Array.from({ length: 5 }, () => manager.listTools('shared')));
    expect(lists.every((tools) => tools.length === 1)).toBe(true);
    expect(readFileSync(starts, 'utf8')).toBe('x');
  });

  it('close() kills every child; later use is refused', async () => {
    const manager = open();
    await manager.set('a', hungServer());
    await manager.set('b', everythingServer());
    await Promise.all([manager.listTools('a'), manager.listTools('b')]);
    const pids = [manager.pidOf('a'), manager.pidOf('b')].map((p) => p ?? -1);
    expect(pids.every(isRunning)).toBe(true);
    await manager.close();
    expect(pids.some(isRunning)).toBe(false);
    await expect(manager.listTools('a')).rejects.toMatchObject({ code: 'ERR_DOWNSTREAM_UNAVAILABLE' });
  });

  it('set() on a running server restarts it with the new config; remove() kills it', async () => {
    const manager = open({ requestTimeoutMs: 300 });
    await manager.set('srv', hungServer());
    await manager.listTools('srv');
    const first = manager.pidOf('srv') ?? -1;
    await manager.set('srv', everythingServer());
    expect(isRunning(first)).toBe(false);
    await eventually(() => manager.statusOf('srv').state === 'running');
    expect((await manager.listTools('srv')).map((t) => t.name)).toContain('echo');
    const second = manager.pidOf('srv') ?? -1;
    await manager.remove('srv');
    expect(isRunning(second)).toBe(false);
    expect(manager.status()).toEqual([]);
    await expect(manager.remove('srv')).rejects.toMatchObject({ code: 'ERR_NOT_FOUND' });
  });

  it('a call in flight when the server is removed fails with ERR_DOWNSTREAM_UNAVAILABLE', async () => {
    const manager = open({ requestTimeoutMs: 5000 });
    await manager.set('hung', hungServer());
    await manager.listTools('hung');
    const outcome = failure(manager.callTool('hung', 'hang', {}));
    await manager.remove('hung');
    const { error, ms } = await outcome;
    expect(isCharonError(error, 'ERR_DOWNSTREAM_UNAVAILABLE')).toBe(true);
    expect(ms).toBeLessThan(3000);
  });
});
