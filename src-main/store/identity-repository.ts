import type { Environment, LifecycleState } from '../../src-shared/domain.js';
import { LIFECYCLE_STATES } from '../../src-shared/domain.js';
import type { IdentityFilter, IdentityRepository } from '../core/ports.js';
import type { IdentityRecord } from '../core/records.js';
import type { Db } from './database.js';
import { whereClause } from './where-clause.js';
import { readStringArray } from './json-column.js';

interface Row {
  id: string;
  spiffe_id: string;
  display_name: string;
  owner: string;
  environment: Environment;
  selectors: string;
  scopes: string;
  state: LifecycleState;
  created_at: number;
  updated_at: number;
  last_attested_at: number | null;
  attestation_expires_at: number | null;
  last_seen_at: number | null;
}

const fromRow = (r: Row): IdentityRecord => ({
  id: r.id,
  spiffeId: r.spiffe_id,
  displayName: r.display_name,
  owner: r.owner,
  environment: r.environment,
  selectors: readStringArray(r.selectors),
  scopes: readStringArray(r.scopes),
  state: r.state,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  lastAttestedAt: r.last_attested_at,
  attestationExpiresAt: r.attestation_expires_at,
  lastSeenAt: r.last_seen_at,
});

export function sqliteIdentityRepository(db: Db): IdentityRepository {
  const insert = db.prepare(`INSERT INTO identities (id, spiffe_id, display_name, owner, environment, selectors, scopes, state,
    created_at, updated_at, last_attested_at, attestation_expires_at, last_seen_at)
    VALUES (@id, @spiffeId, @displayName, @owner, @environment, @selectors, @scopes, @state, @createdAt, @updatedAt,
    @lastAttestedAt, @attestationExpiresAt, @lastSeenAt)`);
  const get = db.prepare<[string], Row>('SELECT * FROM identities WHERE id = ?');
  const setState = db.prepare('UPDATE identities SET state = ?, updated_at = ? WHERE id = ?');
  const attest = db.prepare('UPDATE identities SET last_attested_at = ?, attestation_expires_at = ?, updated_at = ? WHERE id = ?');
  const touch = db.prepare('UPDATE identities SET last_seen_at = ? WHERE id = ?');
  const counts = db.prepare<[], { state: LifecycleState; n: number }>('SELECT state, count(*) AS n FROM identities GROUP BY state');

  return {
    insert(identity) {
      insert.run({ ...identity, selectors: JSON.stringify(identity.selectors), scopes: JSON.stringify(identity.scopes) });
    },
    get(id) {
      const row = get.get(id);
      return row ? fromRow(row) : null;
    },
    list(filter: IdentityFilter) {
      const where = whereClause([
        ['state = ?', filter.state],
        ['environment = ?', filter.environment],
        ['owner = ?', filter.owner],
      ]);
      return db.prepare<(string | number)[], Row>(`SELECT * FROM identities ${where.sql} ORDER BY id`).all(...where.params).map(fromRow);
    },
    setState(id, state, at) {
      setState.run(state, at, id);
    },
    recordAttestation(id, attestedAt, expiresAt) {
      attest.run(attestedAt, expiresAt, attestedAt, id);
    },
    touch(id, at) {
      touch.run(at, id);
    },
    countByState() {
      const result = Object.fromEntries(LIFECYCLE_STATES.map((s) => [s, 0])) as Record<LifecycleState, number>;
      for (const row of counts.all()) result[row.state] = row.n;
      return result;
    },
  };
}
