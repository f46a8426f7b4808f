import type { Db } from './database.js';

/** Agents whose refused tool calls are held for just-in-time consent. */
export interface JitRepository {
  enabled(agentId: string): boolean;
  set(agentId: string, enabled: boolean, at: number): void;
  list(): string[];
}

export function sqliteJitRepository(db: Db): JitRepository {
  const get = db.prepare<[string], { agent_id: string }>('SELECT agent_id FROM jit_agents WHERE agent_id = ?');
  const insert = db.prepare('INSERT INTO jit_agents (agent_id, enabled_at) VALUES (?, ?) ON CONFLICT(agent_id) DO NOTHING');
  const remove = db.prepare('DELETE FROM jit_agents WHERE agent_id = ?');
  const list = db.prepare<[], { agent_id: string }>('SELECT agent_id FROM jit_agents ORDER BY agent_id');
  return {
    enabled: (agentId) => get.get(agentId) !== undefined,
    set: (agentId, enabled, at) => void (enabled ? insert.run(agentId, at) : remove.run(agentId)),
    list: () => list.all().map((r) => r.agent_id),
  };
}
