import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { AuditVerifyDto, TrustBundleDto } from '../../src-shared/dto.js';
import { exportAuditLines, verifyAuditExport } from '../audit/export.js';
import type { Checkpointer } from '../audit/checkpointer.js';
import type { Clock } from '../core/clock.js';
import type { Store } from '../store/store.js';
import type { CharonConfig } from './config.js';

/** What an export uses of the control plane. */
export interface AuditExportDeps {
  readonly checkpointer: Pick<Checkpointer, 'verify' | 'checkpoint'>;
  readonly store: Pick<Store, 'audit'>;
  readonly config: Pick<CharonConfig, 'issuer'>;
  readonly clock: Clock;
}

/**
 * Exports the chain as JSON Lines. If the chain verifies, its head is checkpointed first, so
 * the export ends with a signature an offline verifier can check with the bundle alone.
 */
export async function exportAudit(plane: AuditExportDeps, write: (line: string) => void): Promise<AuditVerifyDto> {
  const result = await plane.checkpointer.verify();
  if (result.ok) await plane.checkpointer.checkpoint();
  for (const line of exportAuditLines(plane.store.audit, { issuer: plane.config.issuer, exportedAt: plane.clock.now() })) write(line);
  return result;
}

export async function verifyExportFile(path: string, bundle: TrustBundleDto): Promise<AuditVerifyDto> {
  const lines = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity });
  return verifyAuditExport(lines, bundle);
}
