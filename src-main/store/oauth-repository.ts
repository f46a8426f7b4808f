// OAuth clients, authorizations (with their single-use codes) and refresh-token families.
// Codes and refresh tokens are stored as SHA-256 digests only.
import type { Db } from './database.js';
import { readStringArray } from './json-column.js';

export interface OAuthClientRecord {
  readonly id: string;
  readonly name: string;
  readonly redirectUris: readonly string[];
  readonly agentId: string | null;
  readonly createdAt: number;
}

export interface OAuthAuthorizationRecord {
  readonly id: string;
  readonly clientId: string;
  readonly agentId: string;
  readonly redirectUri: string;
  readonly codeChallenge: string;
  readonly resource: string;
  readonly clientState: string | null;
  readonly requestId: string;
  readonly codeHash: string | null;
  readonly codeExpiresAt: number | null;
  readonly codeUsedAt: number | null;
  readonly familyId: string | null;
  readonly createdAt: number;
  readonly expiresAt: number;
}

export type RefreshState = 'ACTIVE' | 'USED' | 'REVOKED';

export interface RefreshTokenRecord {
  readonly tokenHash: string;
  readonly familyId: string;
  readonly clientId: string;
  readonly agentId: string;
  readonly resource: string;
  readonly jkt: string | null;
  readonly state: RefreshState;
  readonly accessJti: string | null;
  readonly createdAt: number;
  readonly expiresAt: number;
  readonly usedAt: number | null;
}

export interface OAuthRepository {
  insertClient(client: OAuthClientRecord): void;
  client(id: string): OAuthClientRecord | null;
  /** Clients registered at or after `since` (registration is open to anything on loopback: it is rate-limited). */
  countClientsSince(since: number): number;
  setClientAgent(id: string, agentId: string): void;
  /** A metadata-document client's name and redirect URIs, as its document now says. */
  updateClientMetadata(id: string, name: string, redirectUris: readonly string[]): void;
  insertAuthorization(a: OAuthAuthorizationRecord): void;
  authorization(id: string): OAuthAuthorizationRecord | null;
  authorizationByCode(codeHash: string): OAuthAuthorizationRecord | null;
  /** Attaches a code to an authorization that has none yet; false if it has one. */
  issueCode(id: string, codeHash: string, expiresAt: number): boolean;
  /** Spends the code once (compare-and-set); false if it was spent already. */
  spendCode(id: string, at: number, familyId: string): boolean;
  insertRefresh(r: RefreshTokenRecord): void;
  refresh(tokenHash: string): RefreshTokenRecord | null;
  /** ACTIVE → USED (compare-and-set); false if it was not ACTIVE. */
  useRefresh(tokenHash: string, at: number): boolean;
  /** Revokes every refresh token of the family; returns the access-token jtis issued in it. */
  revokeFamily(familyId: string): string[];
}

interface ClientRow {
  id: string;
  name: string;
  redirect_uris: string;
  agent_id: string | null;
  created_at: number;
}
interface AuthorizationRow {
  id: string;
  client_id: string;
  agent_id: string;
  redirect_uri: string;
  code_challenge: string;
  resource: string;
  client_state: string | null;
  request_id: string;
  code_hash: string | null;
  code_expires_at: number | null;
  code_used_at: number | null;
  family_id: string | null;
  created_at: number;
  expires_at: number;
}
interface RefreshRow {
  token_hash: string;
  family_id: string;
  client_id: string;
  agent_id: string;
  resource: string;
  jkt: string | null;
  state: RefreshState;
  access_jti: string | null;
  created_at: number;
  expires_at: number;
  used_at: number | null;
}

const clientOf = (r: ClientRow): OAuthClientRecord => ({ id: r.id, name: r.name, redirectUris: readStringArray(r.redirect_uris), agentId: r.agent_id, createdAt: r.created_at });
const authorizationOf = (r: AuthorizationRow): OAuthAuthorizationRecord => ({
  id: r.id,
  clientId: r.client_id,
  agentId: r.agent_id,
  redirectUri: r.redirect_uri,
  codeChallenge: r.code_challenge,
  resource: r.resource,
  clientState: r.client_state,
  requestId: r.request_id,
  codeHash: r.code_hash,
  codeExpiresAt: r.code_expires_at,
  codeUsedAt: r.code_used_at,
  familyId: r.family_id,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
});
const refreshOf = (r: RefreshRow): RefreshTokenRecord => ({
  tokenHash: r.token_hash,
  familyId: r.family_id,
  clientId: r.client_id,
  agentId: r.agent_id,
  resource: r.resource,
  jkt: r.jkt,
  state: r.state,
  accessJti: r.access_jti,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
  usedAt: r.used_at,
});

export function sqliteOAuthRepository(db: Db): OAuthRepository {
  const insertClient = db.prepare('INSERT INTO oauth_clients (id, name, redirect_uris, agent_id, created_at) VALUES (?, ?, ?, ?, ?)');
  const client = db.prepare<[string], ClientRow>('SELECT * FROM oauth_clients WHERE id = ?');
  const countClients = db.prepare<[number], { n: number }>('SELECT count(*) AS n FROM oauth_clients WHERE created_at >= ?');
  const setClientAgent = db.prepare('UPDATE oauth_clients SET agent_id = ? WHERE id = ? AND agent_id IS NULL');
  const updateClientMetadata = db.prepare('UPDATE oauth_clients SET name = ?, redirect_uris = ? WHERE id = ?');
  const insertAuthorization = db.prepare(
    'INSERT INTO oauth_authorizations (id, client_id, agent_id, redirect_uri, code_challenge, resource, client_state, request_id, code_hash, code_expires_at, code_used_at, family_id, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const authorization = db.prepare<[string], AuthorizationRow>('SELECT * FROM oauth_authorizations WHERE id = ?');
  const byCode = db.prepare<[string], AuthorizationRow>('SELECT * FROM oauth_authorizations WHERE code_hash = ?');
  const issueCode = db.prepare('UPDATE oauth_authorizations SET code_hash = ?, code_expires_at = ? WHERE id = ? AND code_hash IS NULL');
  const spendCode = db.prepare('UPDATE oauth_authorizations SET code_used_at = ?, family_id = ? WHERE id = ? AND code_used_at IS NULL');
  const insertRefresh = db.prepare(
    'INSERT INTO oauth_refresh_tokens (token_hash, family_id, client_id, agent_id, resource, jkt, state, access_jti, created_at, expires_at, used_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const refresh = db.prepare<[string], RefreshRow>('SELECT * FROM oauth_refresh_tokens WHERE token_hash = ?');
  const useRefresh = db.prepare("UPDATE oauth_refresh_tokens SET state = 'USED', used_at = ? WHERE token_hash = ? AND state = 'ACTIVE'");
  const familyJtis = db.prepare<[string], { access_jti: string }>('SELECT access_jti FROM oauth_refresh_tokens WHERE family_id = ? AND access_jti IS NOT NULL');
  const revokeFamily = db.prepare("UPDATE oauth_refresh_tokens SET state = 'REVOKED' WHERE family_id = ? AND state != 'REVOKED'");
  return {
    insertClient: (c) => void insertClient.run(c.id, c.name, JSON.stringify(c.redirectUris), c.agentId, c.createdAt),
    client: (id) => {
      const row = client.get(id);
      return row ? clientOf(row) : null;
    },
    countClientsSince: (since) => countClients.get(since)?.n ?? 0,
    setClientAgent: (id, agentId) => void setClientAgent.run(agentId, id),
    updateClientMetadata: (id, name, redirectUris) => void updateClientMetadata.run(name, JSON.stringify(redirectUris), id),
    insertAuthorization: (a) =>
      void insertAuthorization.run(a.id, a.clientId, a.agentId, a.redirectUri, a.codeChallenge, a.resource, a.clientState, a.requestId, a.codeHash, a.codeExpiresAt, a.codeUsedAt, a.familyId, a.createdAt, a.expiresAt),
    authorization: (id) => {
      const row = authorization.get(id);
      return row ? authorizationOf(row) : null;
    },
    authorizationByCode: (codeHash) => {
      const row = byCode.get(codeHash);
      return row ? authorizationOf(row) : null;
    },
    issueCode: (id, codeHash, expiresAt) => issueCode.run(codeHash, expiresAt, id).changes === 1,
    spendCode: (id, at, familyId) => spendCode.run(at, familyId, id).changes === 1,
    insertRefresh: (r) => void insertRefresh.run(r.tokenHash, r.familyId, r.clientId, r.agentId, r.resource, r.jkt, r.state, r.accessJti, r.createdAt, r.expiresAt, r.usedAt),
    refresh: (tokenHash) => {
      const row = refresh.get(tokenHash);
      return row ? refreshOf(row) : null;
    },
    useRefresh: (tokenHash, at) => useRefresh.run(at, tokenHash).changes === 1,
    revokeFamily: (familyId) => {
      const jtis = familyJtis.all(familyId).map((r) => r.access_jti);
      revokeFamily.run(familyId);
      return jtis;
    },
  };
}
