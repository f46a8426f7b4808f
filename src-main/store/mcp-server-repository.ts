import { serverConfigSchema } from '../../src-shared/mcp-servers.js';
import type { McpServerRecord, McpServerRepository } from '../core/ports.js';
import type { Db } from './database.js';

interface Row {
  name: string;
  config: string;
  created_at: number;
  updated_at: number;
  approval: string | null;
}

/** The config column holds JSON we validated before writing; re-validate on read so a hand-edited row fails loudly here, not at spawn time. */
function toRecord(r: Row): McpServerRecord {
  const parsed = serverConfigSchema.safeParse(JSON.parse(r.config));
  if (!parsed.success) throw new TypeError(`corrupt mcp_servers row '${r.name}'`);
  return { name: r.name, config: parsed.data, createdAt: r.created_at, updatedAt: r.updated_at, approval: r.approval ?? null };
}

export function sqliteMcpServerRepository(db: Db): McpServerRepository {
  const list = db.prepare<[], Row>('SELECT * FROM mcp_servers ORDER BY name');
  const get = db.prepare<[string], Row>('SELECT * FROM mcp_servers WHERE name = ?');
  const upsert = db.prepare<[string, string, number, number, string | null], Row>(
    'INSERT INTO mcp_servers (name, config, created_at, updated_at, approval) VALUES (?, ?, ?, ?, ?) ' +
      'ON CONFLICT(name) DO UPDATE SET config = excluded.config, updated_at = excluded.updated_at, approval = excluded.approval RETURNING *',
  );
  const remove = db.prepare('DELETE FROM mcp_servers WHERE name = ?');
  return {
    list: () => list.all().map(toRecord),
    get(name) {
      const row = get.get(name);
      return row ? toRecord(row) : null;
    },
    upsert(name, config, at, approval) {
      const row = upsert.get(name, JSON.stringify(config), at, at, approval);
      if (!row) throw new TypeError('upsert returned no row');
      return toRecord(row);
    },
    delete: (name) => remove.run(name).changes === 1,
  };
}
