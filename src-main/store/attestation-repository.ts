import type { AttestationRepository } from '../core/ports.js';
import type { AttestationMethod } from '../core/records.js';
import type { Db } from './database.js';
import { readStringArray } from './json-column.js';

interface Row {
  agent_id: string;
  method: AttestationMethod;
  selectors: string;
  attested_at: number;
  expires_at: number;
}

export function sqliteAttestationRepository(db: Db): AttestationRepository {
  const insert = db.prepare('INSERT INTO attestations (agent_id, method, selectors, attested_at, expires_at) VALUES (?, ?, ?, ?, ?)');
  const latest = db.prepare<[string], Row>('SELECT * FROM attestations WHERE agent_id = ? ORDER BY attested_at DESC, id DESC LIMIT 1');
  return {
    insert(a) {
      insert.run(a.agentId, a.method, JSON.stringify(a.selectors), a.attestedAt, a.expiresAt);
    },
    latest(agentId) {
      const r = latest.get(agentId);
      return r ? { agentId: r.agent_id, method: r.method, selectors: readStringArray(r.selectors), attestedAt: r.attested_at, expiresAt: r.expires_at } : null;
    },
  };
}
