// Test helpers: a real control plane on a real SQLite file in a fresh temp dir, with a clock tests move.
import type { ClientMetadataFetchOptions } from '../oauth/client-metadata-fetch.js';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ControlPlane } from '../app/control-plane.js';
import type { ConfigFile } from '../app/config.js';
import { ManualClock } from '../core/clock.js';
import type { DownstreamOptions } from '../gateway/downstream/downstream-manager.js';
import { suitePostgresStore } from './postgres.js';

export interface TestPlane {
  readonly plane: ControlPlane;
  readonly clock: ManualClock;
  readonly dataDir: string;
  /** Registers an agent, redeems a join token for it (so it is ACTIVE and attested). */
  activeAgent(id: string, options?: { environment?: 'dev' | 'test' | 'prod'; scopes?: string[]; selectors?: string[] }): Promise<void>;
  close(): Promise<void>;
}

export function tempDir(prefix = 'charon-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export async function openTestPlane(overrides: ConfigFile = {}, dataDir = tempDir(), downstream?: Partial<DownstreamOptions>, clientMetadata?: ClientMetadataFetchOptions): Promise<TestPlane> {
  const clock = new ManualClock(Date.UTC(2026, 10, 23, 9, 0, 0));
  // The whole suite on Postgres (CHARON_TEST_PG): the store goes in config.json, so a second
  // process or the CLI on this data dir shares it, as replicas of a team server do.
  // A second plane on the same data dir keeps the store the first one named.
  const configPath = join(dataDir, 'config.json');
  const suiteStore = overrides.store === undefined && !existsSync(configPath) ? suitePostgresStore() : null;
  if (suiteStore) writeFileSync(configPath, JSON.stringify({ store: suiteStore }));
  const plane = await ControlPlane.open({ dataDir, clock, overrides, ...(downstream ? { downstream } : {}), ...(clientMetadata ? { clientMetadata } : {}) });
  return {
    plane,
    clock,
    dataDir,
    async activeAgent(id, options = {}) {
      await plane.handlers['identities.register']({ id, owner: 'alice', environment: options.environment ?? 'dev', selectors: options.selectors ?? [], scopes: options.scopes ?? ['files:read'] });
      const { token } = await plane.handlers['joinTokens.create']({ agentId: id });
      plane.attestation.attestWithJoinToken(id, token);
    },
    async close() {
      await plane.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
