import type { SignatureRecord, SignatureRepository } from '../core/approval-records.js';
import { evidenceOfRow } from './approval-repository.js';
import type { Db } from './database.js';

interface Row {
  request_id: string;
  operator_id: string;
  spec: string;
  spec_hash: string;
  nonce: string;
  challenge: string;
  credential_id: string;
  authenticator_data: string;
  client_data_json: string;
  signature: string;
  user_handle: string | null;
  origin: string;
  rp_id: string;
  assertion_digest: string;
  signed_at: number;
}

const fromRow = (r: Row): SignatureRecord => ({ requestId: r.request_id, operatorId: r.operator_id, ...evidenceOfRow(r), signedAt: r.signed_at });

/** Approvers' signatures (M of N): one per operator and request, the primary key says so. */
export function sqliteSignatureRepository(db: Db): SignatureRepository {
  const insert = db.prepare(`INSERT INTO approval_signatures (request_id, operator_id, spec, spec_hash, nonce, challenge, credential_id, authenticator_data, client_data_json, signature, user_handle, origin, rp_id, assertion_digest, signed_at)
    VALUES (@requestId, @operatorId, @spec, @specHash, @nonce, @challenge, @credentialId, @authenticatorData, @clientDataJson, @signature, @userHandle, @origin, @rpId, @assertionDigest, @signedAt)
    ON CONFLICT (request_id, operator_id) DO NOTHING`);
  const forRequest = db.prepare<[string], Row>('SELECT * FROM approval_signatures WHERE request_id = ? ORDER BY signed_at, operator_id');
  return {
    insert: (s) => insert.run({ ...s, spec: JSON.stringify(s.spec) }).changes === 1,
    forRequest: (requestId) => forRequest.all(requestId).map(fromRow),
  };
}
