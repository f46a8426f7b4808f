// A real control plane on a real SQLite file in a fresh temp dir (or on a Postgres store), with one ACTIVE, attested agent.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statfsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const { ControlPlane } = await import('../../dist/src-main/app/control-plane.js');

const TMPFS_MAGIC = 0x01021994;
/** Where the databases go: $CHARON_BENCH_DIR or the OS temp dir (on tmpfs fsync costs nothing). */
export const benchRoot = process.env.CHARON_BENCH_DIR ?? tmpdir();
export const benchRootIsTmpfs = statfsSync(benchRoot).type === TMPFS_MAGIC;

export async function openBenchPlane({ durability = 'normal', agentId = 'bench-agent', store } = {}) {
  const dataDir = mkdtempSync(join(benchRoot, 'charon-bench-'));
  const masterKey = randomBytes(32);
  // As `charon serve` and the desktop app run it: SQLite checkpoints in a worker thread, off the commit path.
  const plane = await ControlPlane.open({ dataDir, overrides: { durability, ...(store ? { store } : {}) }, masterKeyProvider: { load: async () => masterKey }, walCheckpoints: 'worker' });
  await plane.handlers['identities.register']({ id: agentId, owner: 'bench', environment: 'dev', selectors: [], scopes: ['files:read', 'files:write'] });
  const { token } = await plane.handlers['joinTokens.create']({ agentId });
  plane.attestation.attestWithJoinToken(agentId, token);
  return {
    plane,
    agentId,
    dataDir,
    issue: () => plane.authority.issue({ agentId }, 'bench'),
    async close() {
      await plane.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
