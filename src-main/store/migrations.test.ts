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

/** Credentials as a build before migration 17 stored them (jti the primary key), with one revoked. */
function seed(db: Db): CredentialRecord[] {
  sqliteIdentityRepository(db).insert({
    id: 'builder', spiffeId: 'spiffe://charon.local/agent/builder', displayName: 'builder', owner: 'alice', environment: 'dev', selectors: [], scopes: ['files:read'],
    state: 'ACTIVE', createdAt: 1, updatedAt: 1, lastAttestedAt: null, attestationExpiresAt: null, lastSeenAt: null,
  });
  const rows = [credential('j-1', 'old-key', 5_000_000), credential('j-2', 'old-key', 9_000_000, 'REVOKED'), credential('j-3', 'new-key', 7_000_000)];
  const insert = db.prepare(`INSERT INTO credentials (jti, agent_id, spiffe_id, audience, scope, environment, kid, issued_at, expires_at, state, dpop_jkt, rotated_to, changed_at, reason)
    VALUES (@jti, @agentId, @spiffeId, @audience, @scope, @environment, @kid, @issuedAt, @expiresAt, @state, @dpopJkt, @rotatedTo, @changedAt, @reason)`);
  for (const row of rows) insert.run({ ...row, changedAt: row.state === 'REVOKED' ? 42 : null, reason: row.state === 'REVOKED' ? 'test' : null });
  return rows;
}

/** The columns every build has stored for a credential (migration 17 added only the row id). */
const COLUMNS = 'jti, agent_id, spiffe_id, audience, scope, environment, kid, issued_at, expires_at, state, dpop_jkt, rotated_to, changed_at, reason';

describe('migration 16: credentials without credentials_kid', () => {
  it('keeps every credential, its state and its indexes, and finds the newest expiry of each key without credentials_kid', () => {
    const path = databaseAt(15);
    const old = new Database(path);
    old.pragma('foreign_keys = ON');
    seed(old);
    const before = old.prepare(`SELECT ${COLUMNS} FROM credentials ORDER BY jti`).all();
    old.close();

    const db = openDatabase(path);
    try {
      expect(db.pragma('user_version', { simple: true })).toBe(migrations.length);
      expect(db.prepare(`SELECT ${COLUMNS} FROM credentials ORDER BY jti`).all()).toEqual(before);
      const indexes = db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'credentials' ORDER BY name").pluck().all();
      expect(indexes).toEqual(['credentials_agent_state', 'credentials_expiry', 'credentials_named']);
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

describe('migration 17: credentials keyed by their row', () => {
  it('keeps every credential found by its old jti through credentials_named, and new ones by primary key with no jti index written', () => {
    const path = databaseAt(16);
    const old = new Database(path);
    old.pragma('foreign_keys = ON');
    const uuid = 'f47ac10b-58cc-4372-a567-0e02b2c3d479';
    const rows = [...seed(old), credential(uuid, 'new-key', 8_000_000)];
    old.prepare(`INSERT INTO credentials (${COLUMNS}) SELECT '${uuid}', agent_id, spiffe_id, audience, scope, environment, kid, 1, 8000000, 'ACTIVE', NULL, NULL, NULL, NULL FROM credentials WHERE jti = 'j-1'`).run();
    const before = old.prepare(`SELECT ${COLUMNS} FROM credentials ORDER BY jti`).all();
    old.close();

    const db = openDatabase(path);
    try {
      expect(db.prepare(`SELECT ${COLUMNS} FROM credentials ORDER BY jti`).all()).toEqual(before);
      const repo = sqliteCredentialRepository(db);
      // Issued before: found by the text of their jti, through the partial index.
      expect(repo.get(uuid)).toMatchObject({ jti: uuid, state: 'ACTIVE' });
      expect(repo.getWithIdentityState('j-2')).toMatchObject({ credential: { jti: 'j-2', state: 'REVOKED' }, identityState: 'ACTIVE' });
      const plan = (sql: string, ...args: unknown[]) => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...args) as { detail: string }[]).map((s) => s.detail);
      expect(plan("SELECT * FROM credentials c WHERE c.jti = ? AND c.jti NOT LIKE '%.%'", uuid)).toEqual(['SEARCH c USING INDEX credentials_named (jti=?)']);
      repo.setState(uuid, 'REVOKED', 50, { reason: 'after the upgrade' });
      expect(repo.get(uuid)?.state).toBe('REVOKED');

      // Issued after: the jti names the row, read by primary key; credentials_named gets no entry.
      const jti = db.transaction(() => {
        const next = repo.nextJti();
        repo.insert(credential(next, 'new-key', 9_500_000));
        return next;
      })();
      expect(jti).toMatch(/^5\.[0-9a-f]{32}$/);
      expect(repo.get(jti)).toMatchObject({ jti, state: 'ACTIVE' });
      expect(plan('SELECT * FROM credentials c WHERE c.id = ? AND c.jti = ?', 5, jti)).toEqual(['SEARCH c USING INTEGER PRIMARY KEY (rowid=?)']);
      expect(db.prepare("SELECT count(*) FROM credentials INDEXED BY credentials_named WHERE jti NOT LIKE '%.%'").pluck().get()).toBe(rows.length);
      expect(repo.revokeAllForAgent('builder', 60, 'kill switch').sort()).toEqual([jti, 'j-1', 'j-3'].sort());
      expect(rows.map((r) => repo.get(r.jti)?.state)).toEqual(['REVOKED', 'REVOKED', 'REVOKED', 'REVOKED']);
    } finally {
      db.close();
    }
  });
});

describe('credential jtis naming their row', () => {
  it('finds no credential for its row with another jti: the random part must match, and other shapes name nothing', () => {
    const path = databaseAt(migrations.length);
    const db = openDatabase(path);
    try {
      seed(db);
      const repo = sqliteCredentialRepository(db);
      const jti = db.transaction(() => {
        const next = repo.nextJti();
        repo.insert(credential(next, 'k', 9_000_000));
        return next;
      })();
      const [row] = jti.split('.');
      expect(repo.get(jti)).not.toBeNull();
      for (const other of [`${row}.${'0'.repeat(32)}`, `${row}.${jti.split('.')[1]?.toUpperCase()}`, `0${jti}`, `${jti}.`, `${row}`, `${row}.`, '', 'j-1.x']) {
        expect(repo.get(other)).toBeNull();
        expect(repo.getWithIdentityState(other)).toBeNull();
        repo.setState(other, 'REVOKED', 70);
      }
      expect(repo.get(jti)?.state).toBe('ACTIVE');
      // A jti is allocated only where it is stored: outside a transaction another writer could take its row.
      expect(() => repo.nextJti()).toThrow(/inside the transaction/);
      expect(() => repo.insert(credential('1.not-a-row-jti', 'k', 1))).toThrow(/Not a credential jti/);
    } finally {
      db.close();
    }
  });
});
