// A `charon serve` of a spec's own, in a temp directory removed afterwards: for specs whose
// data must not meet other specs' (the shared one is started by global-setup.ts).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from '@playwright/test';
import { startServe, type RunningServe, type ServeReady } from './serve.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

export interface OwnServe {
  /** The temp directory (the data directory is `data/` inside it). */
  dir(): string;
  ready(): ServeReady;
}

/** Registers beforeAll/afterAll for the spec; `prepare` may write into the directory first (a home with client configs). */
export function ownServe(prefix: string, options: { prepare?: (dir: string) => Promise<void>; env?: (dir: string) => Record<string, string> } = {}): OwnServe {
  let dir = '';
  let serve: RunningServe | null = null;
  test.beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), `charon-e2e-${prefix}-`));
    await options.prepare?.(dir);
    serve = await startServe(root, join(dir, 'data'), { ...(options.env ? { env: options.env(dir) } : {}) });
  });
  test.afterAll(async () => {
    await serve?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });
  return {
    dir: () => dir,
    ready: () => {
      if (!serve) throw new Error('charon serve did not start');
      return serve.ready;
    },
  };
}
