import { CompactSign, compactVerify, decodeProtectedHeader } from 'jose';
import { canonicalJson } from '../core/canonical-json.js';
import type { AuditCheckpointRecord } from '../core/records.js';
import type { JoseKey, LoadedSigningKey } from '../crypto/signing-key.js';
import { SVID_ALG } from '../crypto/signing-key.js';

// A distinct typ keeps a checkpoint from ever passing as a JWT-SVID (which must be JWT/JOSE).
export const CHECKPOINT_TYP = 'charon-audit-checkpoint+jws';

export interface CheckpointClaims {
  readonly iss: string;
  readonly seq: number;
  readonly hash: string;
  readonly time: number;
  /**
   * The first record that must carry a valid MAC (record-mac.ts). Signed into every checkpoint, so
   * nobody without the key can later move it to pass forged records off as older unkeyed ones.
   */
  readonly macFrom?: number;
}

/** Signs the chain head: deleting or rewriting records up to `seq` is then detectable. */
export async function signCheckpoint(key: LoadedSigningKey, claims: CheckpointClaims): Promise<AuditCheckpointRecord> {
  const jws = await new CompactSign(new TextEncoder().encode(canonicalJson(claims)))
    .setProtectedHeader({ alg: SVID_ALG, kid: key.record.kid, typ: CHECKPOINT_TYP })
    .sign(key.privateKey);
  return { seq: claims.seq, hash: claims.hash, time: claims.time, kid: key.record.kid, jws };
}

export type CheckpointCheck = { ok: true; claims: CheckpointClaims } | { ok: false; problem: 'bad-checkpoint-signature' | 'unknown-checkpoint-key'; message: string };

export async function verifyCheckpoint(checkpoint: AuditCheckpointRecord, keyFor: (kid: string) => JoseKey | null): Promise<CheckpointCheck> {
  let kid: unknown;
  try {
    const header = decodeProtectedHeader(checkpoint.jws);
    if (header.typ !== CHECKPOINT_TYP || header.alg !== SVID_ALG) return { ok: false, problem: 'bad-checkpoint-signature', message: 'not a checkpoint JWS' };
    kid = header.kid;
  } catch {
    return { ok: false, problem: 'bad-checkpoint-signature', message: 'unreadable checkpoint JWS' };
  }
  const key = typeof kid === 'string' ? keyFor(kid) : null;
  if (!key) return { ok: false, problem: 'unknown-checkpoint-key', message: `checkpoint key ${String(kid)} is not known` };
  try {
    const { payload } = await compactVerify(checkpoint.jws, key, { algorithms: [SVID_ALG] });
    const claims = JSON.parse(new TextDecoder().decode(payload)) as CheckpointClaims;
    if (claims.seq !== checkpoint.seq || claims.hash !== checkpoint.hash) {
      return { ok: false, problem: 'bad-checkpoint-signature', message: 'checkpoint fields differ from what was signed' };
    }
    return { ok: true, claims };
  } catch {
    return { ok: false, problem: 'bad-checkpoint-signature', message: 'checkpoint signature does not verify' };
  }
}
