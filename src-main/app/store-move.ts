import type { AuditVerifyDto } from '../../src-shared/dto.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { Checkpointer } from '../audit/checkpointer.js';
import type { Clock } from '../core/clock.js';
import { CharonError } from '../core/errors.js';
import type { Store } from '../store/store.js';
import { dumpStore, loadStore, unloadStore, type StoreDump } from '../store/store-transfer.js';

export type { StoreDump } from '../store/store-transfer.js';
import { loadConfig, type ConfigFile } from './config.js';
import { openConfiguredStore } from './open-store.js';

// Moving an owner's control plane to another store (`charon export`, `charon import`): from the
// desktop's SQLite file to a team's Postgres, with identities, grants, approvals, keys and the
// audit chain as they are, so the chain verifies there as it did here.

/** What the export reads of a running plane. */
export interface ExportSource {
  readonly store: Store;
  readonly checkpointer: Checkpointer;
  readonly clock: Clock;
}

/** Every row, once the chain verifies and its head is signed (the export ends on a checkpoint). */
export async function exportStore(source: ExportSource): Promise<StoreDump> {
  const verified = await source.checkpointer.verify();
  if (!verified.ok) throw new CharonError('ERR_AUDIT_CHAIN_BROKEN', `The audit chain does not verify (${verified.firstBad?.message ?? 'broken'}): nothing exported`);
  await source.checkpointer.checkpoint();
  return dumpStore(source.store.db, source.store.transact, source.clock.now());
}

/** Loads `dump` into the data directory's configured store, which must be new (empty). */
export function importStore(dataDir: string, overrides: ConfigFile, dump: StoreDump): { rows: number } {
  const store = openConfiguredStore(loadConfig(dataDir, overrides));
  try {
    return loadStore(store.db, store.transact, dump);
  } finally {
    store.close();
  }
}

/** Takes a refused import back out of the data directory's store (it was new: it is empty again). */
export function discardImport(dataDir: string, overrides: ConfigFile): void {
  const store = openConfiguredStore(loadConfig(dataDir, overrides));
  try {
    unloadStore(store.db, store.transact);
  } finally {
    store.close();
  }
}

/** After an import, opened as a control plane: the chain verified there, and the import recorded at its end. */
export interface ImportCheck {
  readonly checkpointer: Checkpointer;
  readonly audit: AuditLog;
}

export async function recordImport(plane: ImportCheck, details: { rows: number; exportedAt: number }): Promise<AuditVerifyDto> {
  const verified = await plane.checkpointer.verify();
  if (!verified.ok) throw new CharonError('ERR_AUDIT_CHAIN_BROKEN', `The imported audit chain does not verify: ${verified.firstBad?.message ?? 'broken'}`);
  plane.audit.append({ actor: 'operator', kind: 'store.import', subject: 'store', decision: 'allow', details });
  await plane.checkpointer.checkpoint();
  return plane.checkpointer.verify();
}
