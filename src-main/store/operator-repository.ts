import type { InviteRecord, OperatorRecord, OperatorRepository, OperatorRole, SessionRecord } from '../core/operator-records.js';
import type { Db } from './database.js';

interface OperatorRow {
  id: string;
  role: OperatorRole;
  user_handle: string;
  created_at: number;
  removed_at: number | null;
}

interface InviteRow {
  code_hash: string;
  operator_id: string;
  created_at: number;
  expires_at: number;
  used_at: number | null;
}

interface SessionRow {
  token_hash: string;
  operator_id: string;
  passkey_id: string;
  created_at: number;
  expires_at: number;
  ended_at: number | null;
}

const operatorFromRow = (r: OperatorRow): OperatorRecord => ({ id: r.id, role: r.role, userHandle: r.user_handle, createdAt: r.created_at, removedAt: r.removed_at });
const inviteFromRow = (r: InviteRow): InviteRecord => ({ codeHash: r.code_hash, operatorId: r.operator_id, createdAt: r.created_at, expiresAt: r.expires_at, usedAt: r.used_at });
const sessionFromRow = (r: SessionRow): SessionRecord => ({ tokenHash: r.token_hash, operatorId: r.operator_id, passkeyId: r.passkey_id, createdAt: r.created_at, expiresAt: r.expires_at, endedAt: r.ended_at });

export function sqliteOperatorRepository(db: Db): OperatorRepository {
  const insert = db.prepare('INSERT INTO operators (id, role, user_handle, created_at, removed_at) VALUES (@id, @role, @userHandle, @createdAt, @removedAt)');
  const get = db.prepare<[string], OperatorRow>('SELECT * FROM operators WHERE id = ?');
  const byHandle = db.prepare<[string], OperatorRow>('SELECT * FROM operators WHERE user_handle = ?');
  const list = db.prepare<[], OperatorRow>('SELECT * FROM operators ORDER BY id');
  const remove = db.prepare('UPDATE operators SET removed_at = ? WHERE id = ? AND removed_at IS NULL');
  const insertInvite = db.prepare('INSERT INTO operator_invites (code_hash, operator_id, created_at, expires_at, used_at) VALUES (@codeHash, @operatorId, @createdAt, @expiresAt, @usedAt)');
  const getInvite = db.prepare<[string], InviteRow>('SELECT * FROM operator_invites WHERE code_hash = ?');
  const useInvite = db.prepare('UPDATE operator_invites SET used_at = ? WHERE code_hash = ? AND used_at IS NULL AND expires_at > ?');
  const insertSession = db.prepare('INSERT INTO operator_sessions (token_hash, operator_id, passkey_id, created_at, expires_at, ended_at) VALUES (@tokenHash, @operatorId, @passkeyId, @createdAt, @expiresAt, @endedAt)');
  const getSession = db.prepare<[string], SessionRow>('SELECT * FROM operator_sessions WHERE token_hash = ?');
  const endSession = db.prepare('UPDATE operator_sessions SET ended_at = ? WHERE token_hash = ? AND ended_at IS NULL');
  const endSessionsOf = db.prepare('UPDATE operator_sessions SET ended_at = ? WHERE operator_id = ? AND ended_at IS NULL');
  return {
    insert: (o) => void insert.run(o),
    get: (id) => {
      const row = get.get(id);
      return row ? operatorFromRow(row) : null;
    },
    byUserHandle: (handle) => {
      const row = byHandle.get(handle);
      return row ? operatorFromRow(row) : null;
    },
    list: () => list.all().map(operatorFromRow),
    markRemoved: (id, at) => void remove.run(at, id),
    insertInvite: (i) => void insertInvite.run(i),
    getInvite: (codeHash) => {
      const row = getInvite.get(codeHash);
      return row ? inviteFromRow(row) : null;
    },
    useInvite: (codeHash, at) => useInvite.run(at, codeHash, at).changes === 1,
    insertSession: (s) => void insertSession.run(s),
    getSession: (tokenHash) => {
      const row = getSession.get(tokenHash);
      return row ? sessionFromRow(row) : null;
    },
    endSession: (tokenHash, at) => void endSession.run(at, tokenHash),
    endSessionsOf: (operatorId, at) => void endSessionsOf.run(at, operatorId),
  };
}
