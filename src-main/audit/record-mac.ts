// A keyed MAC per audit record. The record hash is public (anyone can recompute it), so a hash
// chain alone cannot tell Charon's records from ones appended by someone who can write the
// database file. The MAC key is derived from the master key (HKDF, its own label, never the raw
// key), which that someone does not have. The MAC covers the record hash, which covers every field.
import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';

export type AuditMacKey = Buffer & { readonly __auditMacKey: true };

export function deriveAuditMacKey(masterKey: Buffer): AuditMacKey {
  return Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), 'charon audit record mac v1', 32)) as AuditMacKey;
}

export function macAuditRecord(key: AuditMacKey, recordHash: string): string {
  return createHmac('sha256', key).update(recordHash).digest('hex');
}

export function auditMacValid(key: AuditMacKey, recordHash: string, mac: string | null): boolean {
  if (mac === null || !/^[0-9a-f]{64}$/.test(mac)) return false;
  return timingSafeEqual(Buffer.from(macAuditRecord(key, recordHash), 'hex'), Buffer.from(mac, 'hex'));
}
