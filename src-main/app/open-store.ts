import { openPostgresStore } from '../store/postgres/pg-store.js';
import { openSqliteStore, type Store } from '../store/sqlite-store.js';
import type { CharonConfig } from './config.js';

/** The configured store: Postgres when `store` names one (team mode), else the SQLite file in the data directory. */
export function openConfiguredStore(config: CharonConfig, walCheckpoints: 'inline' | 'worker' = 'inline'): Store {
  return config.store ? openPostgresStore(config.store) : openSqliteStore(`${config.dataDir}/charon.db`, { durability: config.durability, walCheckpoints });
}
