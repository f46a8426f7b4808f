// The authorization server MCP clients use natively (OAuth 2.1 for native apps): dynamic client
// registration (RFC 7591) of public clients with loopback redirect URIs, authorization code +
// PKCE (S256 only), RFC 8707 resource indicators naming this gateway, and rotated refresh
// tokens whose reuse revokes the whole family. Consent is the owner's approval inbox: an
// authorization opens a grant request for the client's own agent identity and completes only
// once the owner approves it with a passkey. Access tokens are that agent's JWT-SVIDs.
import { displayClientName } from './client-name.js';
import type { GrantRequestState } from '../../src-shared/approvals.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { Clock } from '../core/clock.js';
import { CharonError } from '../core/errors.js';
import { MCP_SCOPE } from '../core/scope.js';
import type { Transactor } from '../core/ports.js';
import type { OAuthAuthorizationRecord, OAuthClientRecord, OAuthRepository, RefreshTokenRecord } from '../store/oauth-repository.js';
import { checkClientIdUrl, isMetadataClientId, parseClientMetadata } from './client-metadata-document.js';
import { acceptableRedirects, checkChallenge, checkVerifier, matchRedirect, newId, newSecret, sha256Hex } from './oauth-checks.js';

export interface OAuthServiceDeps {
  readonly repo: OAuthRepository;
  readonly tx: Transactor;
  readonly audit: AuditLog;
  readonly clock: Clock;
  /** The client's own agent identity, registered (PROVISIONED, inert) on its first authorization. */
  readonly ensureAgent: (client: OAuthClientRecord) => string;
  /** Opens the consent: a grant request in the owner's inbox for what `resource` serves; its id. */
  readonly requestConsent: (agentId: string, client: OAuthClientRecord, resource: string) => Promise<string>;
  readonly requestState: (requestId: string) => GrantRequestState;
  /** Records this authorization as the agent's attestation, then issues its access token. */
  /** The token's audience is `evidence.resource`: it is an access token for that resource only (RFC 8707), never an agent identity. */
  readonly issueAccess: (agentId: string, evidence: { clientId: string; familyId: string; resource: string }, jkt: string | null) => Promise<{ token: string; jti: string; expiresAt: number }>;
  /** Revokes access tokens of a family that was compromised (a reused code or refresh token). */
  readonly revokeAccess: (jtis: readonly string[], reason: string) => void;
  /** Registrations allowed per hour (anything on loopback may register; each one can reach the inbox). */
  readonly maxClientsPerHour?: number;
  /** Fetches a client ID metadata document (ClientMetadataFetcher: SSRF-guarded, cached); none: https client_ids are unknown. */
  readonly clientMetadata?: (url: URL) => Promise<unknown>;
}

const CODE_TTL_MS = 60 * 1000;
/** How long the owner has to approve before the client must start over. */
export const AUTHORIZATION_TTL_MS = 15 * 60 * 1000;
const REFRESH_TTL_MS = 30 * 24 * 3600 * 1000;
const DEFAULT_MAX_CLIENTS_PER_HOUR = 30;

export interface RegistrationResponse {
  readonly client_id: string;
  readonly client_id_issued_at: number;
  readonly client_name: string;
  readonly redirect_uris: readonly string[];
  readonly grant_types: readonly string[];
  readonly response_types: readonly string[];
  readonly token_endpoint_auth_method: 'none';
  /** Loopback redirects make every client here a native one (OpenID Connect Registration §2, MCP 2026-07-28). */
  readonly application_type: 'native';
}

export interface TokenResponse {
  readonly access_token: string;
  readonly token_type: 'Bearer' | 'DPoP';
  readonly expires_in: number;
  readonly refresh_token: string;
  readonly scope: string;
}

/** What the authorization endpoint answers: a redirect back to the client, or a page to wait on. */
export type AuthorizeOutcome = { readonly kind: 'redirect'; readonly location: string } | { readonly kind: 'wait'; readonly txn: string; readonly requestId: string; readonly clientName: string };

/** The authorization request's parameters, as received (query string). */
export interface AuthorizeParams {
  readonly get: (name: string) => string | null;
}

export const OAUTH_SCOPE = MCP_SCOPE;

export class OAuthService {
  readonly #d: OAuthServiceDeps;

  constructor(deps: OAuthServiceDeps) {
    this.#d = deps;
  }

  /** RFC 7591: a public client (no secret) with loopback redirect URIs. */
  register(input: { redirect_uris?: unknown; client_name?: unknown; grant_types?: unknown; response_types?: unknown }): RegistrationResponse {
    return this.#audited({ kind: 'oauth.register', subject: '-' }, () => {
      const uris = input.redirect_uris;
      if (!Array.isArray(uris) || uris.length === 0 || uris.length > 8 || !uris.every((u): u is string => typeof u === 'string' && u.length <= 512)) {
        throw new CharonError('ERR_OAUTH_REDIRECT_URI_MISMATCH', 'redirect_uris: 1 to 8 loopback http URIs are required');
      }
      // Loopback ones are kept and the rest dropped (VS Code lists https://vscode.dev/redirect too); the answer says which.
      const kept = acceptableRedirects(uris);
      const grantTypes = input.grant_types ?? ['authorization_code', 'refresh_token'];
      if (!Array.isArray(grantTypes) || !grantTypes.every((g) => g === 'authorization_code' || g === 'refresh_token')) {
        throw new CharonError('ERR_OAUTH_INVALID_REQUEST', 'grant_types: only authorization_code and refresh_token are offered');
      }
      if (input.response_types !== undefined && (!Array.isArray(input.response_types) || !input.response_types.every((r) => r === 'code'))) {
        throw new CharonError('ERR_OAUTH_INVALID_REQUEST', 'response_types: only code is offered');
      }
      const now = this.#d.clock.now();
      if (this.#d.repo.countClientsSince(now - 3600 * 1000) >= (this.#d.maxClientsPerHour ?? DEFAULT_MAX_CLIENTS_PER_HOUR)) throw new CharonError('ERR_RATE_LIMITED', 'Too many OAuth client registrations in the last hour; try again later');
      // Self-declared: cleaned so it cannot reorder or break the text the owner reads around it.
      const name = displayClientName(input.client_name);
      const client: OAuthClientRecord = { id: newId('mcpc'), name, redirectUris: kept, agentId: null, createdAt: now };
      this.#d.repo.insertClient(client);
      const dropped = uris.filter((u) => !kept.includes(u));
      this.#d.audit.append({ actor: `oauth-client:${client.id}`, kind: 'oauth.register', subject: client.id, decision: 'allow', details: { name, redirectUris: client.redirectUris, ...(dropped.length > 0 ? { droppedRedirectUris: dropped } : {}) } });
      return {
        client_id: client.id,
        client_id_issued_at: Math.floor(now / 1000),
        client_name: name,
        redirect_uris: client.redirectUris,
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        token_endpoint_auth_method: 'none',
        application_type: 'native',
      };
    });
  }

  /**
   * The authorization endpoint. The client and its exact redirect URI are checked first: until
   * both are known good, errors are shown, never redirected (an open redirector otherwise).
   */
  async authorize(params: AuthorizeParams, issuer: string, defaultResource: string, resourceAllowed: (resource: string) => boolean): Promise<AuthorizeOutcome> {
    const clientId = params.get('client_id') ?? '';
    let known: OAuthClientRecord | null;
    try {
      known = isMetadataClientId(clientId) ? await this.#metadataClient(clientId) : this.#d.repo.client(clientId);
    } catch (error) {
      this.#refuse(error, { kind: 'oauth.authorize', subject: clientId.slice(0, 200) || '-' });
      throw error;
    }
    const client = this.#audited({ kind: 'oauth.authorize', subject: clientId.slice(0, 200) || '-' }, () => {
      if (!known) throw new CharonError('ERR_OAUTH_INVALID_CLIENT', 'Unknown client_id; register first');
      // Exact match against a registered URI, except the port of a loopback IP literal (RFC 8252 §7.3).
      const redirectUri = matchRedirect(known.redirectUris, params.get('redirect_uri') ?? '');
      if (!redirectUri) throw new CharonError('ERR_OAUTH_REDIRECT_URI_MISMATCH', 'redirect_uri does not match a registered one');
      return { ...known, redirectUri };
    });
    const state = params.get('state');
    const back = (query: Record<string, string>): AuthorizeOutcome => ({ kind: 'redirect', location: withQuery(client.redirectUri, { ...query, ...(state !== null ? { state } : {}), iss: issuer }) });
    let resource: string;
    let challenge: string;
    try {
      if (params.get('response_type') !== 'code') throw new CharonError('ERR_OAUTH_INVALID_REQUEST', 'response_type must be code');
      challenge = checkChallenge(params.get('code_challenge'), params.get('code_challenge_method'));
      resource = params.get('resource') ?? defaultResource;
      if (!resourceAllowed(resource)) throw new CharonError('ERR_OAUTH_INVALID_TARGET', `resource ${resource.slice(0, 200)} is not an MCP endpoint of this gateway`);
    } catch (error) {
      this.#refuse(error, { kind: 'oauth.authorize', subject: client.id });
      if (!(error instanceof CharonError)) throw error;
      return back({ error: oauthErrorOf(error.code), error_description: error.message });
    }
    let requestId: string;
    let agentId: string;
    try {
      agentId = this.#d.ensureAgent(client);
      requestId = await this.#d.requestConsent(agentId, client, resource);
    } catch (error) {
      // Too many pending requests, backing off after denials, or the agent was revoked: the client is told no.
      if (!(error instanceof CharonError) || error.code === 'ERR_STORE_BUSY') throw error;
      return back({ error: 'access_denied', error_description: error.message });
    }
    const now = this.#d.clock.now();
    const authorization: OAuthAuthorizationRecord = {
      id: newId('oaz'),
      clientId: client.id,
      agentId,
      redirectUri: client.redirectUri,
      codeChallenge: challenge,
      resource,
      clientState: state,
      requestId,
      codeHash: null,
      codeExpiresAt: null,
      codeUsedAt: null,
      familyId: null,
      createdAt: now,
      expiresAt: now + AUTHORIZATION_TTL_MS,
    };
    this.#d.tx.transact(() => {
      this.#d.repo.insertAuthorization(authorization);
      this.#d.audit.append({ actor: `oauth-client:${client.id}`, kind: 'oauth.authorize', subject: client.id, decision: 'allow', details: { authorization: authorization.id, agentId, requestId, resource } });
    });
    return this.resume(authorization.id, issuer);
  }

  /**
   * The client an https client_id names: its metadata document, fetched (cached) and checked, and
   * kept as a client record so tokens and the owner's inbox refer to it like a registered one.
   */
  async #metadataClient(clientId: string): Promise<OAuthClientRecord> {
    const url = checkClientIdUrl(clientId);
    if (!this.#d.clientMetadata) throw new CharonError('ERR_OAUTH_INVALID_CLIENT', 'client_id metadata documents are not accepted here; register first');
    const doc = parseClientMetadata(clientId, await this.#d.clientMetadata(url));
    return this.#d.tx.transact(() => {
      const now = this.#d.clock.now();
      const existing = this.#d.repo.client(clientId);
      if (existing) {
        if (existing.name === doc.name && existing.redirectUris.join('\n') === doc.redirectUris.join('\n')) return existing;
        this.#d.repo.updateClientMetadata(clientId, doc.name, doc.redirectUris);
        return { ...existing, name: doc.name, redirectUris: doc.redirectUris };
      }
      if (this.#d.repo.countClientsSince(now - 3600 * 1000) >= (this.#d.maxClientsPerHour ?? DEFAULT_MAX_CLIENTS_PER_HOUR)) throw new CharonError('ERR_RATE_LIMITED', 'Too many new OAuth clients in the last hour; try again later');
      const client: OAuthClientRecord = { id: clientId, name: doc.name, redirectUris: doc.redirectUris, agentId: null, createdAt: now };
      this.#d.repo.insertClient(client);
      this.#d.audit.append({ actor: `oauth-client:${clientId}`, kind: 'oauth.register', subject: clientId, decision: 'allow', details: { name: doc.name, redirectUris: doc.redirectUris, via: 'client_id metadata document' } });
      return client;
    });
  }

  /** Where an authorization stands: back to the client with a code once the owner approved, or wait. */
  resume(txn: string, issuer: string): AuthorizeOutcome {
    const a = this.#d.repo.authorization(txn);
    if (!a || a.codeHash !== null) throw new CharonError('ERR_NOT_FOUND', 'No authorization in progress here (unknown, or already completed)');
    const client = this.#d.repo.client(a.clientId) as OAuthClientRecord;
    const back = (query: Record<string, string>): AuthorizeOutcome => ({ kind: 'redirect', location: withQuery(a.redirectUri, { ...query, ...(a.clientState !== null ? { state: a.clientState } : {}), iss: issuer }) });
    if (a.expiresAt <= this.#d.clock.now()) return back({ error: 'access_denied', error_description: 'The owner did not approve in time' });
    const state = this.#d.requestState(a.requestId);
    if (state === 'PENDING') return { kind: 'wait', txn: a.id, requestId: a.requestId, clientName: client.name };
    if (state !== 'APPROVED') return back({ error: 'access_denied', error_description: `The owner's decision: ${state}` });
    const code = newSecret();
    // One code per authorization, ever: a second visit finds codeHash set and is refused above.
    if (!this.#d.repo.issueCode(a.id, sha256Hex(code), this.#d.clock.now() + CODE_TTL_MS)) throw new CharonError('ERR_NOT_FOUND', 'This authorization already completed');
    return back({ code });
  }

  /** The token endpoint: an authorization code (with its PKCE verifier) or a refresh token. */
  async token(form: AuthorizeParams, jkt: string | null): Promise<TokenResponse> {
    const grantType = form.get('grant_type');
    const clientId = form.get('client_id') ?? '';
    const refusal = { kind: 'oauth.token', subject: clientId || '-' };
    try {
      if (!this.#d.repo.client(clientId)) throw new CharonError('ERR_OAUTH_INVALID_CLIENT', 'Unknown client_id');
      if (grantType === 'authorization_code') return await this.#exchangeCode(form, clientId, jkt);
      if (grantType === 'refresh_token') return await this.#refresh(form, clientId, jkt);
      throw new CharonError('ERR_UNSUPPORTED_GRANT_TYPE', 'grant_type must be authorization_code or refresh_token');
    } catch (error) {
      this.#refuse(error, refusal);
      throw error;
    }
  }

  async #exchangeCode(form: AuthorizeParams, clientId: string, jkt: string | null): Promise<TokenResponse> {
    const code = form.get('code');
    if (!code) throw new CharonError('ERR_OAUTH_INVALID_REQUEST', 'code is required');
    const a = this.#d.repo.authorizationByCode(sha256Hex(code));
    if (!a || a.clientId !== clientId) throw new CharonError('ERR_OAUTH_INVALID_GRANT', 'Unknown authorization code');
    const now = this.#d.clock.now();
    if (a.codeUsedAt !== null) {
      // RFC 6749 §4.1.2: a code used twice revokes what was issued on it.
      if (a.familyId) this.#revokeFamily(a.familyId, 'authorization code reused');
      throw new CharonError('ERR_OAUTH_CODE_REUSED', 'This authorization code was already used; the tokens issued on it are revoked');
    }
    if ((a.codeExpiresAt ?? 0) <= now) throw new CharonError('ERR_OAUTH_INVALID_GRANT', 'The authorization code expired');
    if (form.get('redirect_uri') !== a.redirectUri) throw new CharonError('ERR_OAUTH_REDIRECT_URI_MISMATCH', 'redirect_uri must be the one the authorization was made with');
    checkVerifier(form.get('code_verifier'), a.codeChallenge);
    const resource = form.get('resource');
    if (resource !== null && resource !== a.resource) throw new CharonError('ERR_OAUTH_INVALID_TARGET', 'resource must be the one the authorization was made with');
    if (this.#d.requestState(a.requestId) !== 'APPROVED') throw new CharonError('ERR_OAUTH_ACCESS_DENIED', 'The owner has not approved this authorization');
    const familyId = newId('rtf');
    return this.#issue({ clientId, agentId: a.agentId, resource: a.resource, familyId, jkt }, {
      claim: () => this.#d.repo.spendCode(a.id, this.#d.clock.now(), familyId),
      lost: () => {
        // Spent concurrently by another request: whoever holds that family is suspect too.
        const other = this.#d.repo.authorization(a.id)?.familyId;
        if (other) this.#revokeFamily(other, 'authorization code reused concurrently');
        return new CharonError('ERR_OAUTH_CODE_REUSED', 'This authorization code was already used; the tokens issued on it are revoked');
      },
    });
  }

  async #refresh(form: AuthorizeParams, clientId: string, jkt: string | null): Promise<TokenResponse> {
    const presented = form.get('refresh_token');
    if (!presented) throw new CharonError('ERR_OAUTH_INVALID_REQUEST', 'refresh_token is required');
    const hash = sha256Hex(presented);
    const r = this.#d.repo.refresh(hash);
    if (!r || r.clientId !== clientId) throw new CharonError('ERR_OAUTH_INVALID_GRANT', 'Unknown refresh token');
    if (r.state === 'USED') {
      // A rotated-out token presented again: one of its holders is not the client. Revoke the family.
      this.#revokeFamily(r.familyId, 'refresh token reused');
      throw new CharonError('ERR_OAUTH_REFRESH_REUSED', 'This refresh token was already used; its whole family is revoked');
    }
    if (r.state === 'REVOKED') throw new CharonError('ERR_OAUTH_INVALID_GRANT', 'This refresh token was revoked');
    if (r.expiresAt <= this.#d.clock.now()) throw new CharonError('ERR_OAUTH_INVALID_GRANT', 'This refresh token expired');
    // RFC 9449 §5: a public client's refresh token is bound to the DPoP key it was issued to.
    if (r.jkt !== null && r.jkt !== jkt) throw new CharonError('ERR_OAUTH_INVALID_GRANT', 'This refresh token is DPoP-bound: send a proof with the same key');
    const resource = form.get('resource');
    if (resource !== null && resource !== r.resource) throw new CharonError('ERR_OAUTH_INVALID_TARGET', 'resource must be the one the family was issued for');
    return this.#issue({ clientId, agentId: r.agentId, resource: r.resource, familyId: r.familyId, jkt: r.jkt }, {
      claim: () => this.#d.repo.useRefresh(hash, this.#d.clock.now()),
      lost: () => {
        this.#revokeFamily(r.familyId, 'refresh token reused concurrently');
        return new CharonError('ERR_OAUTH_REFRESH_REUSED', 'This refresh token was already used; its whole family is revoked');
      },
    });
  }

  /**
   * Issues the access token, then spends what was presented (`claim`: the code or the old
   * refresh token, compare-and-set) and stores the new refresh token in one transaction. A
   * failed issuance so leaves the presented grant unspent, and a retry is no "reuse"; a lost
   * race revokes the access token just issued, then `lost` says what to do and to answer.
   */
  async #issue(f: { clientId: string; agentId: string; resource: string; familyId: string; jkt: string | null }, spend: { claim: () => boolean; lost: () => CharonError }): Promise<TokenResponse> {
    const access = await this.#d.issueAccess(f.agentId, { clientId: f.clientId, familyId: f.familyId, resource: f.resource }, f.jkt);
    const refreshToken = newSecret();
    const now = this.#d.clock.now();
    const record: RefreshTokenRecord = { tokenHash: sha256Hex(refreshToken), familyId: f.familyId, clientId: f.clientId, agentId: f.agentId, resource: f.resource, jkt: f.jkt, state: 'ACTIVE', accessJti: access.jti, createdAt: now, expiresAt: now + REFRESH_TTL_MS, usedAt: null };
    const claimed = this.#d.tx.transact(() => {
      if (!spend.claim()) return false;
      this.#d.repo.insertRefresh(record);
      this.#d.audit.append({ actor: `oauth-client:${f.clientId}`, kind: 'oauth.token', subject: f.clientId, decision: 'allow', details: { agentId: f.agentId, familyId: f.familyId, jti: access.jti, dpopBound: f.jkt !== null, resource: f.resource } });
      return true;
    });
    if (!claimed) {
      this.#d.revokeAccess([access.jti], 'issued on a grant that was spent concurrently');
      throw spend.lost();
    }
    return { access_token: access.token, token_type: f.jkt ? 'DPoP' : 'Bearer', expires_in: Math.max(1, Math.floor((access.expiresAt - now) / 1000)), refresh_token: refreshToken, scope: OAUTH_SCOPE };
  }

  #revokeFamily(familyId: string, reason: string): void {
    const jtis = this.#d.tx.transact(() => this.#d.repo.revokeFamily(familyId));
    this.#d.revokeAccess(jtis, reason);
    this.#d.audit.append({ actor: 'charon', kind: 'oauth.family.revoke', subject: familyId, decision: 'allow', details: { reason, accessTokens: jtis.length } });
  }

  #audited<T>(refusal: { kind: string; subject: string }, change: () => T): T {
    try {
      return this.#d.tx.transact(change);
    } catch (error) {
      this.#refuse(error, refusal);
      throw error;
    }
  }

  #refuse(error: unknown, refusal: { kind: string; subject: string }): void {
    if (error instanceof CharonError && error.code !== 'ERR_STORE_BUSY' && !(error as { audited?: boolean }).audited) {
      (error as { audited?: boolean }).audited = true;
      this.#d.audit.append({ actor: `oauth-client:${refusal.subject}`, kind: refusal.kind, subject: refusal.subject, decision: 'deny', details: { code: error.code, message: error.message } });
    }
  }
}

/** RFC 6749 §5.2 / RFC 8707 / RFC 7591 error names for the stable codes. */
export function oauthErrorOf(code: string, endpoint: 'authorize' | 'token' | 'register' = 'token'): string {
  switch (code) {
    case 'ERR_OAUTH_INVALID_CLIENT':
      return 'invalid_client';
    case 'ERR_OAUTH_INVALID_GRANT':
    case 'ERR_OAUTH_CODE_REUSED':
    case 'ERR_OAUTH_REFRESH_REUSED':
      return 'invalid_grant';
    case 'ERR_OAUTH_REDIRECT_URI_MISMATCH':
      return endpoint === 'register' ? 'invalid_redirect_uri' : endpoint === 'token' ? 'invalid_grant' : 'invalid_request';
    case 'ERR_OAUTH_INVALID_TARGET':
      return 'invalid_target';
    case 'ERR_UNSUPPORTED_GRANT_TYPE':
      return 'unsupported_grant_type';
    case 'ERR_OAUTH_ACCESS_DENIED':
      return endpoint === 'token' ? 'invalid_grant' : 'access_denied';
    case 'ERR_OAUTH_INVALID_REQUEST':
    case 'ERR_OAUTH_PKCE_REQUIRED':
      return endpoint === 'register' ? 'invalid_client_metadata' : 'invalid_request';
    case 'ERR_RATE_LIMITED':
      return 'temporarily_unavailable';
    case 'ERR_DPOP_NONCE_REQUIRED':
      return 'use_dpop_nonce';
    case 'ERR_DPOP_PROOF_INVALID':
    case 'ERR_DPOP_PROOF_MISMATCH':
    case 'ERR_DPOP_PROOF_STALE':
    case 'ERR_DPOP_PROOF_REPLAYED':
      return 'invalid_dpop_proof';
    // The client's agent was revoked, killed or removed since: what it holds is no longer good.
    case 'ERR_IDENTITY_NOT_ACTIVE':
    case 'ERR_IDENTITY_NOT_FOUND':
    case 'ERR_ATTESTATION_REQUIRED':
      return 'invalid_grant';
    case 'ERR_INVALID_INPUT':
    case 'ERR_UNSUPPORTED_MEDIA_TYPE':
    case 'ERR_PAYLOAD_TOO_LARGE':
      return endpoint === 'register' ? 'invalid_client_metadata' : 'invalid_request';
    default:
      return 'server_error';
  }
}

function withQuery(uri: string, query: Record<string, string>): string {
  const url = new URL(uri);
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
  return url.href;
}
