import { grantSpecSchema, type GrantSpec } from '../../src-shared/grant.js';
import type { ApprovalRepository, GrantRequestRecord, GrantRequestRepository, PasskeyRecord, PasskeyRepository } from '../core/approval-records.js';
import type { Db } from './database.js';
import { readStringArray } from './json-column.js';
import { whereClause } from './where-clause.js';

function readSpec(text: string): GrantSpec {
  const parsed = grantSpecSchema.safeParse(JSON.parse(text));
  if (!parsed.success) throw new TypeError('corrupt grant spec column');
  return parsed.data;
}

interface PasskeyRow {
  id: string;
  public_key: Buffer;
  counter: number;
  transports: string;
  label: string;
  created_at: number;
  last_used_at: number | null;
  removed_at: number | null;
  operator_id: string | null;
}

const passkeyFromRow = (r: PasskeyRow): PasskeyRecord => ({
  id: r.id,
  publicKey: new Uint8Array(r.public_key),
  counter: r.counter,
  transports: readStringArray(r.transports),
  label: r.label,
  createdAt: r.created_at,
  lastUsedAt: r.last_used_at,
  removedAt: r.removed_at,
  operatorId: r.operator_id,
});

export function sqlitePasskeyRepository(db: Db): PasskeyRepository {
  const insert = db.prepare('INSERT INTO passkeys (id, public_key, counter, transports, label, created_at, last_used_at, removed_at, operator_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
  const get = db.prepare<[string], PasskeyRow>('SELECT * FROM passkeys WHERE id = ?');
  const listOwn = db.prepare<[], PasskeyRow>('SELECT * FROM passkeys WHERE removed_at IS NULL AND operator_id IS NULL ORDER BY created_at, id');
  const listOperator = db.prepare<[string], PasskeyRow>('SELECT * FROM passkeys WHERE removed_at IS NULL AND operator_id = ? ORDER BY created_at, id');
  const advance = db.prepare('UPDATE passkeys SET counter = ?, last_used_at = ? WHERE id = ? AND counter = ? AND removed_at IS NULL');
  const remove = db.prepare('UPDATE passkeys SET removed_at = ? WHERE id = ? AND removed_at IS NULL');
  return {
    insert(p) {
      insert.run(p.id, Buffer.from(p.publicKey), p.counter, JSON.stringify(p.transports), p.label, p.createdAt, p.lastUsedAt, p.removedAt, p.operatorId);
    },
    get(id) {
      const row = get.get(id);
      return row ? passkeyFromRow(row) : null;
    },
    listActive: (operatorId = null) => (operatorId === null ? listOwn.all() : listOperator.all(operatorId)).map(passkeyFromRow),
    advanceCounter: (id, from, to, at) => advance.run(to, at, id, from).changes === 1,
    markRemoved(id, at) {
      remove.run(at, id);
    },
  };
}

interface RequestRow {
  id: string;
  agent_id: string;
  spec: string;
  spec_hash: string;
  purpose: string;
  state: GrantRequestRecord['state'];
  created_at: number;
  expires_at: number;
  decided_at: number | null;
  decided_by: string | null;
  reason: string | null;
  grant_id: string | null;
  held_call: string | null;
}

const requestFromRow = (r: RequestRow): GrantRequestRecord => ({
  id: r.id,
  agentId: r.agent_id,
  spec: readSpec(r.spec),
  specHash: r.spec_hash,
  purpose: r.purpose,
  state: r.state,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
  decidedAt: r.decided_at,
  decidedBy: r.decided_by,
  reason: r.reason,
  grantId: r.grant_id,
  heldCall: r.held_call ? (JSON.parse(r.held_call) as GrantRequestRecord['heldCall']) : null,
});

export function sqliteGrantRequestRepository(db: Db): GrantRequestRepository {
  const insert = db.prepare(`INSERT INTO grant_requests (id, agent_id, spec, spec_hash, purpose, state, created_at, expires_at, decided_at, decided_by, reason, grant_id, held_call)
    VALUES (@id, @agentId, @spec, @specHash, @purpose, @state, @createdAt, @expiresAt, @decidedAt, @decidedBy, @reason, @grantId, @heldCall)`);
  const get = db.prepare<[string], RequestRow>('SELECT * FROM grant_requests WHERE id = ?');
  const decide = db.prepare("UPDATE grant_requests SET state = ?, decided_at = ?, decided_by = ?, reason = ?, grant_id = ? WHERE id = ? AND state = 'PENDING'");
  const denials = db.prepare<[string, number], RequestRow>("SELECT * FROM grant_requests WHERE agent_id = ? AND state = 'DENIED' AND decided_at >= ? ORDER BY decided_at DESC LIMIT 100");
  return {
    insert(r) {
      insert.run({ ...r, spec: JSON.stringify(r.spec), heldCall: r.heldCall ? JSON.stringify(r.heldCall) : null });
    },
    get(id) {
      const row = get.get(id);
      return row ? requestFromRow(row) : null;
    },
    list(filter) {
      const where = whereClause([
        ['agent_id = ?', filter.agentId],
        ['state = ?', filter.state],
      ]);
      return db.prepare<(string | number)[], RequestRow>(`SELECT * FROM grant_requests ${where.sql} ORDER BY created_at DESC, id LIMIT 1000`).all(...where.params).map(requestFromRow);
    },
    decide: (id, state, at, by, reason, grantId) => decide.run(state, at, by, reason, grantId, id).changes === 1,
    denialsSince: (agentId, since) => denials.all(agentId, since).map(requestFromRow),
  };
}

interface ApprovalRow {
  grant_id: string;
  request_id: string;
  method: 'passkey' | 'auto';
  spec: string;
  spec_hash: string;
  nonce: string;
  challenge: string;
  credential_id: string | null;
  authenticator_data: string | null;
  client_data_json: string | null;
  signature: string | null;
  user_handle: string | null;
  origin: string | null;
  rp_id: string | null;
  assertion_digest: string | null;
  rule: string | null;
  approved_at: number;
}

/** The columns an approval and an approver's signature share: the spec and the WebAuthn assertion over it. */
export function evidenceOfRow<R extends Pick<ApprovalRow, 'spec' | 'spec_hash' | 'nonce' | 'challenge' | 'user_handle'> & { credential_id: string | null; authenticator_data: string | null; client_data_json: string | null; signature: string | null; origin: string | null; rp_id: string | null; assertion_digest: string | null }>(r: R) {
  return {
    spec: readSpec(r.spec),
    specHash: r.spec_hash,
    nonce: r.nonce,
    challenge: r.challenge,
    credentialId: r.credential_id as R['credential_id'],
    authenticatorData: r.authenticator_data as R['authenticator_data'],
    clientDataJson: r.client_data_json as R['client_data_json'],
    signature: r.signature as R['signature'],
    userHandle: r.user_handle,
    origin: r.origin as R['origin'],
    rpId: r.rp_id as R['rp_id'],
    assertionDigest: r.assertion_digest as R['assertion_digest'],
  };
}

export function sqliteApprovalRepository(db: Db): ApprovalRepository {
  const insert = db.prepare(`INSERT INTO grant_approvals (grant_id, request_id, method, spec, spec_hash, nonce, challenge, credential_id, authenticator_data, client_data_json, signature, user_handle, origin, rp_id, assertion_digest, rule, approved_at)
    VALUES (@grantId, @requestId, @method, @spec, @specHash, @nonce, @challenge, @credentialId, @authenticatorData, @clientDataJson, @signature, @userHandle, @origin, @rpId, @assertionDigest, @rule, @approvedAt)`);
  const get = db.prepare<[string], ApprovalRow>('SELECT * FROM grant_approvals WHERE grant_id = ?');
  return {
    insert(a) {
      insert.run({ ...a, spec: JSON.stringify(a.spec) });
    },
    get(grantId) {
      const r = get.get(grantId);
      if (!r) return null;
      return {
        grantId: r.grant_id,
        requestId: r.request_id,
        method: r.method,
        ...evidenceOfRow(r),
        rule: r.rule,
        approvedAt: r.approved_at,
      };
    },
  };
}
