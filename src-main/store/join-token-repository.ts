import type { JoinTokenRepository } from '../core/ports.js';
import type { JoinTokenRecord } from '../core/records.js';
import type { Db } from './database.js';
import { readStringArray } from './json-column.js';

interface Row {
  token_hash: string;
  agent_id: string;
  selectors: string;
  created_at: number;
  expires_at: number;
  used_at: number | null;
}

export function sqliteJoinTokenRepository(db: Db): JoinTokenRepository {
  const insert = db.prepare('INSERT INTO join_tokens (token_hash, agent_id, selectors, created_at, expires_at, used_at) VALUES (?, ?, ?, ?, ?, NULL)');
  const get = db.prepare<[string], Row>('SELECT * FROM join_tokens WHERE token_hash = ?');
  const markUsed = db.prepare('UPDATE join_tokens SET used_at = ? WHERE token_hash = ? AND used_at IS NULL');
  return {
    insert(t: JoinTokenRecord) {
      insert.run(t.tokenHash, t.agentId, JSON.stringify(t.selectors), t.createdAt, t.expiresAt);
    },
    get(tokenHash) {
      const r = get.get(tokenHash);
      return r
        ? { tokenHash: r.token_hash, agentId: r.agent_id, selectors: readStringArray(r.selectors), createdAt: r.created_at, expiresAt: r.expires_at, usedAt: r.used_at }
        : null;
    },
    markUsed(tokenHash, at) {
      return markUsed.run(at, tokenHash).changes === 1;
    },
  };
}
