// A credential's jti names its row: `<row id>.<32 hex digits>`. Looking a token up is then a read
// by primary key, and an issuance writes no index of jtis. The hex digits are a random UUID's (122
// random bits; node:crypto draws them from a pooled buffer, where randomBytes(16) cost a sequential
// issuance 5 %): they keep jtis unique across stores, and a row id reused after the reaper deleted
// its credential names a new jti.
// Credentials issued before (jti a UUID, or any text without a dot) are "named": found by their text.
import { randomUUID } from 'node:crypto';

const SHAPE = /^([1-9][0-9]{0,14})\.[0-9a-f]{32}$/;

/** The jti of the credential stored in row `id`. */
export function jtiForRow(id: number): string {
  if (!Number.isSafeInteger(id) || id < 1) throw new RangeError(`credential row id must be a positive integer, got ${id}`);
  return `${id}.${randomUUID().replaceAll('-', '')}`;
}

/**
 * Where a jti is stored: `{ row }` for one in the row-naming shape, `{ named }` for a credential
 * from before it (text without a dot), null for anything else (no credential has that jti).
 */
export function jtiKey(jti: string): { readonly row: number } | { readonly named: true } | null {
  const match = SHAPE.exec(jti);
  if (match) return { row: Number(match[1]) };
  return jti.length > 0 && !jti.includes('.') ? { named: true } : null;
}
