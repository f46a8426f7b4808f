import { importJWK } from 'jose';
import type { AuditVerifyDto, TrustBundleDto } from '../../src-shared/dto.js';
import type { AuditRepository } from '../core/ports.js';
import type { AuditCheckpointRecord, AuditRecord } from '../core/records.js';
import type { JoseKey } from '../crypto/signing-key.js';
import { ChainVerifier } from './verify-chain.js';

export const EXPORT_FORMAT = 'charon-audit-export/1';
const PAGE = 5000;

type ExportLine =
  | { type: 'header'; format: string; issuer: string; exportedAt: number }
  | ({ type: 'event' } & AuditRecord)
  | ({ type: 'checkpoint' } & AuditCheckpointRecord);

/** JSON Lines: a header, every record in order, each checkpoint right after the record it signs. */
export function* exportAuditLines(repo: AuditRepository, header: { issuer: string; exportedAt: number }): Generator<string> {
  yield JSON.stringify({ type: 'header', format: EXPORT_FORMAT, ...header } satisfies ExportLine);
  const checkpoints = repo.checkpoints();
  let c = 0;
  // From the lowest possible seq: a row forged at seq <= 0 is exported too, and fails verification there.
  for (let after = Number.MIN_SAFE_INTEGER; ; ) {
    const page = repo.range(after, PAGE);
    for (const record of page) {
      yield JSON.stringify({ type: 'event', ...record } satisfies ExportLine);
      while (c < checkpoints.length && (checkpoints[c] as AuditCheckpointRecord).seq <= record.seq) {
        yield JSON.stringify({ type: 'checkpoint', ...(checkpoints[c] as AuditCheckpointRecord) } satisfies ExportLine);
        c++;
      }
    }
    if (page.length < PAGE) break;
    after = (page.at(-1) as AuditRecord).seq;
  }
}

/**
 * Verifies an export offline with only a trust bundle. The export must end with a checkpoint
 * of its head signed by a key in the bundle; that signature covers every record before it.
 */
export async function verifyAuditExport(lines: Iterable<string> | AsyncIterable<string>, bundle: TrustBundleDto): Promise<AuditVerifyDto> {
  const keys = new Map<string, JoseKey>();
  for (const jwk of bundle.keys) keys.set(jwk.kid, (await importJWK({ ...jwk }, jwk.alg)) as JoseKey);
  const verifier = new ChainVerifier();
  const checkpoints: AuditCheckpointRecord[] = [];
  let lineNo = 0;
  for await (const line of lines) {
    lineNo++;
    if (line.trim() === '') continue;
    const parsed = JSON.parse(line) as ExportLine;
    if (parsed.type === 'event') {
      const { type: _type, ...record } = parsed;
      verifier.push(record);
    } else if (parsed.type === 'checkpoint') {
      const { type: _type, ...checkpoint } = parsed;
      verifier.rememberHeadFor(checkpoint.seq);
      checkpoints.push(checkpoint);
    } else if (parsed.type === 'header') {
      if (lineNo !== 1 || parsed.format !== EXPORT_FORMAT) throw new TypeError(`line ${lineNo}: not a ${EXPORT_FORMAT} header`);
    }
  }
  return verifier.finish(checkpoints, (kid) => keys.get(kid) ?? null, { requireLastCheckpoint: true });
}
