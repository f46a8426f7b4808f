// One real control plane for the whole run, on a fresh data directory, torn down afterwards.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureBuilt } from './support/build.js';
import { AGENT_URL_VAR, BRIDGE_URL_VAR } from './support/env.js';
import { startServe } from './support/serve.js';

const root = dirname(dirname(fileURLToPath(import.meta.url)));

export default async function globalSetup(): Promise<() => Promise<void>> {
  if (process.env.CHARON_E2E_SKIP_BUILD !== '1') ensureBuilt(root);
  const dataDir = await mkdtemp(join(tmpdir(), 'charon-e2e-'));
  const serve = await startServe(root, dataDir).catch(async (error: unknown) => {
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  });
  // Workers inherit the environment global setup leaves behind.
  process.env[BRIDGE_URL_VAR] = serve.ready.bridgeUrl;
  process.env[AGENT_URL_VAR] = serve.ready.agentUrl;
  return async () => {
    await serve.stop();
    await rm(dataDir, { recursive: true, force: true });
  };
}
