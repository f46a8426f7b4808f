import type { CredentialState, Environment, LifecycleState } from '../../src-shared/domain.js';
import type { OwnerState } from '../../src-shared/reaper.js';
import type { ChainHopState, ChainState } from '../core/delegation-ports.js';
import type { CredentialRepository } from '../core/ports.js';
import type { CredentialRecord } from '../core/records.js';
import { jtiForRow, jtiKey } from './credential-jti.js';
import type { Statement } from 'better-sqlite3';
import type { Db } from './database.js';
import { whereClause } from './where-clause.js';

interface Row {
  jti: string;
  agent_id: string;
  spiffe_id: string;
  audience: string;
  scope: string;
  environment: Environment;
  kid: string;
  issued_at: number;
  expires_at: number;
  state: CredentialState;
  dpop_jkt: string | null;
  rotated_to: string | null;
}

const fromRow = (r: Row): CredentialRecord => ({
  jti: r.jti,
  agentId: r.agent_id,
  spiffeId: r.spiffe_id,
  audience: r.audience,
  scope: r.scope,
  environment: r.environment,
  kid: r.kid,
  issuedAt: r.issued_at,
  expiresAt: r.expires_at,
  state: r.state,
  dpopJkt: r.dpop_jkt,
  rotatedTo: r.rotated_to,
});

interface ChainColumns {
  identity_state: LifecycleState;
  d_id: string | null;
  d_owner: string | null;
  d_owner_state: OwnerState;
  d_hops: string | null;
}

function chainOf(r: ChainColumns): ChainState | null {
  if (r.d_id === null || r.d_owner === null) return null;
  const hops = (r.d_hops ?? '')
    .split('\x1e')
    .filter(Boolean)
    .map((text) => text.split('\x1f'))
    .sort((a, b) => Number(a[0]) - Number(b[0]))
    .map(([, id, parentId, depth, agentId, scope, environment, acr, dpopJkt, expiresAt, state, agentState, narrowed]): ChainHopState => ({
      id: id as string,
      parentId: parentId || null,
      depth: Number(depth),
      agentId: agentId as string,
      scope: scope as string,
      environment: environment as Environment,
      acr: acr as ChainHopState['acr'],
      dpopJkt: dpopJkt || null,
      expiresAt: Number(expiresAt),
      state: state as ChainHopState['state'],
      agentState: (agentState || null) as LifecycleState | null,
      narrowed: narrowed === '1',
    }));
  return { hopId: r.d_id, ownerId: r.d_owner, ownerState: r.d_owner_state, hops };
}

export function sqliteCredentialRepository(db: Db): CredentialRepository {
  const nextId = db.prepare<[], number>('SELECT coalesce(max(id), 0) + 1 FROM credentials').pluck();
  const insert = db.prepare(`INSERT INTO credentials (id, jti, agent_id, spiffe_id, audience, scope, environment, kid, issued_at, expires_at, state, dpop_jkt, rotated_to)
    VALUES (@id, @jti, @agentId, @spiffeId, @audience, @scope, @environment, @kid, @issuedAt, @expiresAt, @state, @dpopJkt, @rotatedTo)`);
  /**
   * One statement per way a jti is stored (credential-jti.ts), `where` naming the row: by primary
   * key and jti for a row-naming jti, through credentials_named (its predicate repeated, so the
   * index is used) for one issued before. Gives the statement for `jti` with its parameters
   * (`leading` ones first), or null when no credential can have that jti.
   */
  const byJti = <R>(sql: (where: string) => string): ((jti: string, ...leading: unknown[]) => { statement: Statement<unknown[], R>; params: unknown[] } | null) => {
    const byRow = db.prepare<unknown[], R>(sql('c.id = ? AND c.jti = ?'));
    const byName = db.prepare<unknown[], R>(sql("c.jti = ? AND c.jti NOT LIKE '%.%'"));
    return (jti, ...leading) => {
      const key = jtiKey(jti);
      if (key === null) return null;
      return 'row' in key ? { statement: byRow, params: [...leading, key.row, jti] } : { statement: byName, params: [...leading, jti] };
    };
  };
  const get = byJti<Row>((where) => `SELECT * FROM credentials c WHERE ${where}`);
  // The verify hot path, one read: the credential, its agent's state and, for a delegated token,
  // every hop of its chain with the state of that hop's agent and of the owner at the root. The
  // hops come back as one string (fields split by U+001F, hops by U+001E; no stored value holds a
  // control character): building JSON here and parsing it back cost three times as much.
  const getWithState = byJti<Row & ChainColumns>(
    (where) => `SELECT c.*, i.state AS identity_state, d.id AS d_id, d.owner_id AS d_owner, coalesce(o.state, 'ACTIVE') AS d_owner_state,
      (SELECT group_concat(concat_ws(char(31), p.key, h.id, ifnull(h.parent_id, ''), h.depth, h.agent_id, h.scope, h.environment, h.acr, ifnull(h.dpop_jkt, ''),
          h.expires_at, h.state, ifnull(ia.state, ''), CASE WHEN h.authority IS NULL THEN 0 ELSE 1 END), char(30))
        FROM json_each(d.path) p JOIN delegations h ON h.id = p.value LEFT JOIN identities ia ON ia.id = h.agent_id) AS d_hops
    FROM credentials c JOIN identities i ON i.id = c.agent_id LEFT JOIN delegations d ON d.jti = c.jti LEFT JOIN owners o ON o.id = d.owner_id
    WHERE ${where}`,
  );
  const setState = byJti((where) => `UPDATE credentials AS c SET state = ?, changed_at = ?, rotated_to = coalesce(?, rotated_to), reason = ? WHERE ${where}`);
  const activeForAgent = db.prepare<[string], { jti: string }>("SELECT jti FROM credentials WHERE agent_id = ? AND state = 'ACTIVE'");
  const revokeForAgent = db.prepare("UPDATE credentials SET state = 'REVOKED', changed_at = ?, reason = ? WHERE agent_id = ? AND state = 'ACTIVE'");
  const activeAll = db.prepare<[], { jti: string }>("SELECT jti FROM credentials WHERE state = 'ACTIVE'");
  const revokeAll = db.prepare("UPDATE credentials SET state = 'REVOKED', changed_at = ?, reason = ? WHERE state = 'ACTIVE'");
  // Walks credentials_expiry from the newest down (SQLite's max() optimisation): the key retiring
  // nearly always signed the newest credentials, so the first rows answer.
  const latestForKey = db.prepare<[string], { e: number | null }>('SELECT max(expires_at) AS e FROM credentials WHERE kid = ?');

  return {
    nextJti() {
      // The row is free only until the transaction ends: another writer may take it after.
      if (!db.inTransaction) throw new Error('A credential jti is allocated inside the transaction that stores the credential');
      return jtiForRow(Number(nextId.get()));
    },
    insert(c) {
      const key = jtiKey(c.jti);
      if (key === null) throw new Error(`Not a credential jti: ${JSON.stringify(c.jti)}`);
      // A credential from before (a test's, a moved store's) takes the next row; its jti still names it.
      insert.run({ ...c, id: 'row' in key ? key.row : Number(nextId.get()) });
    },
    get(jti) {
      const found = get(jti);
      const r = found?.statement.get(...found.params);
      return r ? fromRow(r) : null;
    },
    getWithIdentityState(jti) {
      const found = getWithState(jti);
      const r = found?.statement.get(...found.params);
      return r ? { credential: fromRow(r), identityState: r.identity_state, chain: chainOf(r) } : null;
    },
    list(filter) {
      const where = whereClause([
        ['agent_id = ?', filter.agentId],
        ["state = 'ACTIVE' AND expires_at > ?", filter.liveAt],
      ]);
      return db.prepare<(string | number)[], Row>(`SELECT * FROM credentials ${where.sql} ORDER BY issued_at DESC LIMIT 10000`).all(...where.params).map(fromRow);
    },
    setState(jti, state, at, extra) {
      const found = setState(jti, state, at, extra?.rotatedTo ?? null, extra?.reason ?? null);
      found?.statement.run(...found.params);
    },
    revokeAllForAgent(agentId, at, reason) {
      const jtis = activeForAgent.all(agentId).map((r) => r.jti);
      revokeForAgent.run(at, reason, agentId);
      return jtis;
    },
    revokeAll(at, reason) {
      const jtis = activeAll.all().map((r) => r.jti);
      revokeAll.run(at, reason);
      return jtis;
    },
    latestExpiryForKey(kid) {
      return latestForKey.get(kid)?.e ?? null;
    },
  };
}
