import { grantSpecSchema, type GrantSpec } from '../../src-shared/grant.js';
import type { GrantRepository } from '../core/ports.js';
import type { GrantRecord } from '../core/records.js';
import type { Db } from './database.js';
import { whereClause } from './where-clause.js';

export interface GrantRow {
  id: string;
  agent_id: string;
  spec: string;
  spec_hash: string;
  state: GrantRecord['state'];
  created_at: number;
  created_by: string;
  updated_at: number;
  revoked_at: number | null;
  expires_at: number | null;
}

/** We wrote the spec ourselves after validation; reading it back through the schema catches corruption. */
export function readSpec(text: string): GrantSpec {
  const parsed = grantSpecSchema.safeParse(JSON.parse(text));
  if (!parsed.success) throw new TypeError('corrupt grant spec column');
  return parsed.data;
}

export const grantFromRow = (r: GrantRow, spec: GrantSpec = readSpec(r.spec)): GrantRecord => ({
  id: r.id,
  agentId: r.agent_id,
  spec,
  specHash: r.spec_hash,
  state: r.state,
  createdAt: r.created_at,
  createdBy: r.created_by,
  updatedAt: r.updated_at,
  revokedAt: r.revoked_at,
  expiresAt: r.expires_at,
});

export function sqliteGrantRepository(db: Db): GrantRepository {
  const insert = db.prepare(`INSERT INTO grants (id, agent_id, spec, spec_hash, state, created_at, created_by, updated_at, revoked_at, expires_at)
    VALUES (@id, @agentId, @spec, @specHash, @state, @createdAt, @createdBy, @updatedAt, @revokedAt, @expiresAt)`);
  const get = db.prepare<[string], GrantRow>('SELECT * FROM grants WHERE id = ?');
  const replaceSpec = db.prepare('UPDATE grants SET spec = ?, spec_hash = ?, expires_at = ?, updated_at = ? WHERE id = ?');
  const setState = db.prepare("UPDATE grants SET state = ?, updated_at = ?, revoked_at = CASE WHEN ? = 'REVOKED' THEN ? ELSE revoked_at END WHERE id = ?");

  return {
    insert(g) {
      insert.run({ ...g, spec: JSON.stringify(g.spec) });
    },
    get(id) {
      const row = get.get(id);
      return row ? grantFromRow(row) : null;
    },
    list(filter) {
      const where = whereClause([
        ['agent_id = ?', filter.agentId],
        ['state = ?', filter.state],
      ]);
      return db.prepare<(string | number)[], GrantRow>(`SELECT * FROM grants ${where.sql} ORDER BY created_at DESC, id LIMIT 10000`).all(...where.params).map((row) => grantFromRow(row));
    },
    replaceSpec(id, spec, specHash, expiresAt, at) {
      replaceSpec.run(JSON.stringify(spec), specHash, expiresAt, at, id);
    },
    setState(id, state, at) {
      setState.run(state, at, state, at, id);
    },
  };
}
