import type { Acr, DelegatedAuthority, DelegationState } from '../../src-shared/delegation.js';
import type { Environment } from '../../src-shared/domain.js';
import type { DelegationRecord, DelegationRepository } from '../core/delegation-ports.js';
import type { Db } from './database.js';
import { readStringArray } from './json-column.js';
import { whereClause } from './where-clause.js';

interface Row {
  id: string;
  parent_id: string | null;
  root_id: string;
  path: string;
  depth: number;
  owner_id: string;
  delegator: string;
  agent_id: string;
  jti: string;
  audience: string;
  scope: string;
  environment: Environment;
  authority: string | null;
  acr: Acr;
  amr: string;
  dpop_jkt: string | null;
  issued_at: number;
  expires_at: number;
  state: DelegationState;
  revoked_at: number | null;
  reason: string | null;
}

const fromRow = (r: Row): DelegationRecord => ({
  id: r.id,
  parentId: r.parent_id,
  rootId: r.root_id,
  path: readStringArray(r.path),
  depth: r.depth,
  ownerId: r.owner_id,
  delegator: r.delegator,
  agentId: r.agent_id,
  jti: r.jti,
  audience: r.audience,
  scope: r.scope,
  environment: r.environment,
  authority: r.authority === null ? null : (JSON.parse(r.authority) as DelegatedAuthority),
  acr: r.acr,
  amr: readStringArray(r.amr),
  dpopJkt: r.dpop_jkt,
  issuedAt: r.issued_at,
  expiresAt: r.expires_at,
  state: r.state,
  revokedAt: r.revoked_at,
  reason: r.reason,
});

/** Hops whose path passes through a hop received by the agent (itself included). */
const THROUGH_AGENT = 'EXISTS (SELECT 1 FROM json_each(d.path) p JOIN delegations a ON a.id = p.value WHERE a.agent_id = ?)';

export function sqliteDelegationRepository(db: Db): DelegationRepository {
  const insert = db.prepare(`INSERT INTO delegations (id, parent_id, root_id, path, depth, owner_id, delegator, agent_id, jti, audience, scope, environment, authority, acr, amr, dpop_jkt, issued_at, expires_at, state, revoked_at, reason)
    VALUES (@id, @parentId, @rootId, @path, @depth, @ownerId, @delegator, @agentId, @jti, @audience, @scope, @environment, @authority, @acr, @amr, @dpopJkt, @issuedAt, @expiresAt, @state, @revokedAt, @reason)`);
  const get = db.prepare<[string], Row>('SELECT * FROM delegations WHERE id = ?');
  const getByJti = db.prepare<[string], Row>('SELECT * FROM delegations WHERE jti = ?');
  const chain = db.prepare<[string], Row>('SELECT d.* FROM delegations h, json_each(h.path) p JOIN delegations d ON d.id = p.value WHERE h.id = ? ORDER BY p.key');
  const descendants = db.prepare<[string, string, number], Row>(
    "SELECT d.* FROM delegations d WHERE d.id != ? AND EXISTS (SELECT 1 FROM json_each(d.path) p WHERE p.value = ?) AND d.state = 'ACTIVE' AND d.expires_at > ? ORDER BY d.depth, d.issued_at",
  );
  const ofAgent = db.prepare<[string, string, number], Row>(
    `SELECT d.* FROM delegations d WHERE d.agent_id != ? AND ${THROUGH_AGENT} AND d.state = 'ACTIVE' AND d.expires_at > ? ORDER BY d.depth, d.issued_at`,
  );
  const revoke = db.prepare("UPDATE delegations SET state = 'REVOKED', revoked_at = ?, reason = ? WHERE id = ? AND state = 'ACTIVE'");

  return {
    insert(hop) {
      insert.run({ ...hop, path: JSON.stringify(hop.path), amr: JSON.stringify(hop.amr), authority: hop.authority === null ? null : JSON.stringify(hop.authority) });
    },
    get(id) {
      const r = get.get(id);
      return r ? fromRow(r) : null;
    },
    getByJti(jti) {
      const r = getByJti.get(jti);
      return r ? fromRow(r) : null;
    },
    chain(id) {
      return chain.all(id).map(fromRow);
    },
    list(filter) {
      const where = whereClause([
        ['d.owner_id = ?', filter.ownerId],
        [THROUGH_AGENT, filter.agentId],
        ["d.state = 'ACTIVE' AND d.expires_at > ?", filter.liveAt],
      ]);
      return db.prepare<(string | number)[], Row>(`SELECT d.* FROM delegations d ${where.sql} ORDER BY d.depth, d.issued_at LIMIT 10000`).all(...where.params).map(fromRow);
    },
    liveDescendants(id, at) {
      return descendants.all(id, id, at).map(fromRow);
    },
    liveDescendantsOfAgent(agentId, at) {
      return ofAgent.all(agentId, agentId, at).map(fromRow);
    },
    revoke(ids, at, reason) {
      return ids.filter((id) => revoke.run(at, reason, id).changes > 0);
    },
  };
}
