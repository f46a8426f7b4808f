import { readFileSync, writeFileSync } from 'node:fs';
import type { ControlPlane } from '../app/control-plane.js';
import type { ConfigFile } from '../app/config.js';
import { discardImport, exportStore, importStore, recordImport } from '../app/store-move.js';
import { CharonError } from '../core/errors.js';
import type { StoreDump } from '../app/store-move.js';
import type { ParsedArgs } from './args.js';
import { print } from './output.js';

const fileOf = (args: ParsedArgs, verb: string): string => {
  const file = args.values.file;
  if (!file) throw new CharonError('ERR_INVALID_INPUT', `charon ${verb} needs --file PATH`);
  return file;
};

/** `charon export --file F`: every row of this data directory's store (the chain verified and its head signed first). */
export async function exportCommand(plane: ControlPlane, args: ParsedArgs): Promise<void> {
  const file = fileOf(args, 'export');
  const dump = await exportStore(plane);
  // Sealed keys and approvals inside: readable by the owner alone, and never over an existing file.
  writeFileSync(file, `${JSON.stringify(dump)}\n`, { mode: 0o600, flag: 'wx' });
  const rows = Object.values(dump.tables).reduce((n, t) => n + t.length, 0);
  print(args.values.json ?? false, { file, rows, auditRecords: dump.tables.audit_events?.length ?? 0 }, () => `exported ${rows} rows (${dump.tables.audit_events?.length ?? 0} audit records) to ${file}; the importing data directory needs this one's master-key.json`);
}

/**
 * `charon import --file F`: into the data directory's configured store (new, empty), then opened as
 * a control plane: the chain must verify there, and the import is recorded at its end.
 */
export async function importCommand(args: ParsedArgs, dataDir: string, overrides: ConfigFile, open: () => Promise<ControlPlane>): Promise<void> {
  let dump: StoreDump;
  try {
    dump = JSON.parse(readFileSync(fileOf(args, 'import'), 'utf8')) as StoreDump;
  } catch (error) {
    if (error instanceof CharonError) throw error;
    throw new CharonError('ERR_INVALID_INPUT', `Cannot read the export: ${(error as Error).message}`);
  }
  const { rows } = importStore(dataDir, overrides, dump);
  let verified;
  try {
    const plane = await open();
    try {
      verified = await recordImport(plane, { rows, exportedAt: dump.exportedAt });
    } finally {
      await plane.close();
    }
  } catch (error) {
    // A chain that does not verify (or a plane that cannot open on it) is not imported at all.
    discardImport(dataDir, overrides);
    throw error;
  }
  print(args.values.json ?? false, { rows, audit: verified }, () => `imported ${rows} rows; the audit chain verifies: ${verified.records} records, head ${verified.headSeq ?? '-'}`);
}
