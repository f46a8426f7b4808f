// Upgrading a database written by an older build: its rows and the reads on them survive the migration.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { CredentialRecord } from '../core/records.js';
import { tempDir } from '../test-support/control-plane.js';
import { sqliteCredentialRepository } from './credential-repository.js';
import { openDatabase, type Db } from './database.js';
import { sqliteIdentityRepository } from './identity-repository.js';
import { migrations } from './migrations.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A database file at schema `version`, as the build that stopped there left it. */
function databaseAt(version: number): string {
  const dir = tempDir('charon-migrate-');
  dirs.push(dir);
  const path = join(dir, 'charon.db');
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  db.transaction(() => {
    for (const sql of migrations.slice(0, version)) db.exec(sql);
    db.pragma(`user_version = ${version}`);
  })();
  db.close();
  return path;
}

const credential = (jti: string, kid: string, expiresAt: number, state: CredentialRecord['state'] = 'ACTIVE'): CredentialRecord => ({
  jti, agentId: 'builder', spiffeId: 'spiffe://charon.local/agent/builder', audience: 'aud', scope: 'files:read', environment: 'dev',
  kid, issuedAt: expiresAt - 600_000, expiresAt, state, dpopJkt: state === 'ACTIVE' ? 'jkt-1' : null, rotatedTo: null,
});

function seed(db: Db): CredentialRecord[] {
  sqliteIdentityRepository(db).insert({
    id: 'builder', spiffeId: 'spiffe://charon.local/agent/builder', displayName: 'builder', owner: 'alice', environment: 'dev', selectors: [], scopes: ['files:read'],
    state: 'ACTIVE', createdAt: 1, updatedAt: 1, lastAttestedAt: null, attestationExpiresAt: null, lastSeenAt: null,
  });
  const rows = [credential('j-1', 'old-key', 5_000_000), credential('j-2', 'old-key', 9_000_000, 'REVOKED'), credential('j-3', 'new-key', 7_000_000)];
  const repo = sqliteCredentialRepository(db);
  for (const row of rows) repo.insert(row);
  repo.setState('j-2', 'REVOKED', 42, { reason: 'test' });
  return rows;
}

describe('migration 16: credentials without credentials_kid', () => {
  it('keeps every credential, its state and its indexes, and finds the newest expiry of each key without credentials_kid', () => {
    const path = databaseAt(15);
    const old = new Database(path);
    old.pragma('foreign_keys = ON');
    seed(old);
    const before = old.prepare('SELECT * FROM credentials ORDER BY jti').all();
    old.close();

    const db = openDatabase(path);
    try {
      expect(db.pragma('user_version', { simple: true })).toBe(migrations.length);
      expect(db.prepare('SELECT * FROM credentials ORDER BY jti').all()).toEqual(before);
      const indexes = db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'credentials' ORDER BY name").pluck().all();
      expect(indexes).toEqual(['credentials_agent_state', 'credentials_expiry', 'sqlite_autoindex_credentials_1']);
      // The newest expiry of one key walks credentials_expiry from the top, not the whole table.
      const plan = db.prepare('EXPLAIN QUERY PLAN SELECT max(expires_at) FROM credentials WHERE kid = ?').all('k') as { detail: string }[];
      expect(plan.map((step) => step.detail)).toEqual(['SEARCH credentials USING INDEX credentials_expiry']);

      const repo = sqliteCredentialRepository(db);
      expect(repo.latestExpiryForKey('old-key')).toBe(9_000_000);
      expect(repo.latestExpiryForKey('new-key')).toBe(7_000_000);
      expect(repo.latestExpiryForKey('never-used')).toBeNull();
      expect(repo.get('j-2')).toMatchObject({ jti: 'j-2', state: 'REVOKED', kid: 'old-key' });
      expect(repo.revokeAllForAgent('builder', 43, 'kill switch').sort()).toEqual(['j-1', 'j-3']);
    } finally {
      db.close();
    }
  });
});
