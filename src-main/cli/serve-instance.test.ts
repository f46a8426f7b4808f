// Issue 13, item 4: one long-running Charon per data directory. Rate limits, sessions and
// envelopes kept in memory are per process, so a second `charon serve` would double them.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, cliFor, startServe, type Served } from '../test-support/cli.js';
import { tempDir } from '../test-support/control-plane.js';

let dataDir = '';
let first: Served | null = null;
const { cli } = cliFor(() => dataDir);

beforeAll(() => {
  assertBuilt();
  dataDir = tempDir();
});
afterAll(async () => {
  first?.child.kill('SIGKILL');
  await first?.exited;
});

describe('one charon serve per data directory', () => {
  it('second serve on the same data dir: refused ERR_ALREADY_RUNNING, naming the first; CLI commands still work', { timeout: 60_000 }, async () => {
    first = await startServe(dataDir);
    const second = cli('serve', '--port', '0', '--bridge-port', '0');
    expect(second.status).toBe(1);
    expect(second.stderr).toContain('ERR_ALREADY_RUNNING');
    expect(second.stderr).toMatch(/another Charon \(charon serve, pid \d+/);
    expect(cli('agent', 'register', 'alongside', '--owner', 'alice', '--env', 'dev').status).toBe(0);
  });

  it('after kill -9 of the first, a new serve starts at once (no stale lock)', { timeout: 60_000 }, async () => {
    first?.child.kill('SIGKILL');
    await first?.exited;
    first = await startServe(dataDir);
    expect(first.agentUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('a data directory that does not exist yet is created (owner only) on the first start', { timeout: 60_000 }, async () => {
    const fresh = join(tempDir(), 'not', 'yet');
    const served = await startServe(fresh);
    try {
      expect(served.agentUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      if (process.platform !== 'win32') expect(statSync(fresh).mode & 0o777).toBe(0o700);
    } finally {
      served.child.kill('SIGKILL');
      await served.exited;
    }
  });
});
