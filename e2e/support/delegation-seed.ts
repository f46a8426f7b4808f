// Writes a delegation chain straight into a data directory's store, in the delegations table's
// own format (migration 5). A real chain needs each agent's DPoP key and an RFC 8693 exchange per
// hop (src-main/test-support/delegation.ts does that in-process); the console's graph, detail and
// cut (delegation.revoke, cascading) are exercised here on a seeded chain read by the real API.
import { join } from 'node:path';
import Database from 'better-sqlite3';

export interface SeedHop {
  readonly id: string;
  readonly parentId: string | null;
  /** SPIFFE id of who delegated (`…/owner/<id>` at the root). */
  readonly delegator: string;
  readonly agentId: string;
  readonly scope: string;
}

export function seedDelegationChain(dataDir: string, ownerId: string, hops: readonly SeedHop[], now = Date.now()): void {
  const db = new Database(join(dataDir, 'charon.db'));
  try {
    const insert = db.prepare(`INSERT INTO delegations (id, parent_id, root_id, path, depth, owner_id, delegator, agent_id, jti, audience, scope, environment, authority, acr, amr, dpop_jkt, issued_at, expires_at, state, revoked_at, reason)
      VALUES (@id, @parentId, @rootId, @path, @depth, @ownerId, @delegator, @agentId, @jti, 'spiffe://charon.local/charon/gateway', @scope, 'dev', NULL, 'urn:charon:acr:passkey', '["hwk"]', NULL, @issuedAt, @expiresAt, 'ACTIVE', NULL, NULL)`);
    const paths = new Map<string, string[]>();
    db.transaction(() => {
      for (const hop of hops) {
        const path = [...(hop.parentId ? (paths.get(hop.parentId) ?? []) : []), hop.id];
        paths.set(hop.id, path);
        insert.run({ ...hop, rootId: path[0], path: JSON.stringify(path), depth: path.length, ownerId, jti: `jti-${hop.id}`, issuedAt: now, expiresAt: now + 3600_000 });
      }
    })();
  } finally {
    db.close();
  }
}
