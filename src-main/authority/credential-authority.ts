import { decodeJwt, type JWTPayload } from 'jose';
import type { Environment } from '../../src-shared/domain.js';
import type { AuditLog } from '../audit/audit-log.js';
import { auditedChange, auditedOutcome } from '../audit/audited.js';
import type { Clock } from '../core/clock.js';
import { CharonError } from '../core/errors.js';
import type { CredentialRepository, IdentityRepository, SigningKeyRepository, Transactor } from '../core/ports.js';
import type { ChainState } from '../core/delegation-ports.js';
import type { AuditEventInput, CredentialRecord } from '../core/records.js';
import { formatScope, isScopeSubset } from '../core/scope.js';
import { agentSpiffeId } from '../core/spiffe-id.js';
import { signJwtSvid, type SvidClaims } from '../crypto/jwt-svid-issue.js';
import { tokenKind, verifyJwtSvid, type VerifiedSvid } from '../crypto/jwt-svid-verify.js';
import type { KeyRing } from '../crypto/key-ring.js';
import { VerifiedTokenCache } from '../crypto/verified-token-cache.js';

export interface CredentialAuthorityDeps {
  readonly identities: IdentityRepository;
  readonly credentials: CredentialRepository;
  readonly signingKeys: SigningKeyRepository;
  readonly tx: Transactor;
  /** Commits issuance in groups: one transaction (and one fsync) for all issued in a tick. */
  readonly groupCommit: <T>(fn: () => T) => Promise<T>;
  readonly audit: AuditLog;
  readonly clock: Clock;
  readonly keyRing: KeyRing;
  /** The authorization server's keys and their repository: tokens that are not JWT-SVIDs (RFC 9068), never in the SPIFFE bundle. */
  readonly accessKeyRing: KeyRing;
  readonly accessSigningKeys: SigningKeyRepository;
  readonly trustDomain: string;
  readonly issuer: string;
  readonly defaultAudience: string;
  readonly ttlCapsMs: Readonly<Record<Environment, number>>;
}

export interface IssueRequest {
  readonly agentId: string;
  readonly audience?: string;
  readonly scope?: readonly string[];
  readonly ttlSeconds?: number;
  readonly dpopJkt?: string | null;
  /** Issue an RFC 9068 access token to this client (an OAuth client) instead of a JWT-SVID. */
  readonly clientId?: string;
}

export interface VerifiedCredential extends VerifiedSvid {
  readonly credential: CredentialRecord;
  /** The stored chain of a delegated token (null for a direct one), as read with the credential. */
  readonly chain: ChainState | null;
}

/** Throws (a typed error) unless a delegated token matches its chain and the chain still holds. */
export type ChainCheck = (svid: VerifiedSvid, credential: CredentialRecord, chain: ChainState | null) => void;

/** What the delegation feature asks to be signed: it checked the terms already. */
export interface DelegatedIssue {
  /** The agent that will use the token (the current actor). */
  readonly agentId: string;
  /** The owner's SPIFFE id: `sub` for the whole chain. */
  readonly subject: string;
  readonly audience: string;
  readonly scope: string;
  readonly environment: Environment;
  readonly expiresAt: number;
  readonly dpopJkt: string | null;
  /** Root first; the last is `agentId`'s SPIFFE id. */
  readonly actors: readonly string[];
  readonly acr: string;
  readonly amr: readonly string[];
}

/** Issues, rotates, revokes and verifies JWT-SVIDs; every issuance commits with its audit record. */
export class CredentialAuthority {
  readonly #d: CredentialAuthorityDeps;
  /** Signature and claims of tokens presented again and again (every gateway call); revocation is checked each time. */
  readonly #verified = new VerifiedTokenCache();
  /** Set by the delegation feature; until then every delegated token is refused (fail closed). */
  #chainCheck: ChainCheck = () => {
    throw new CharonError('ERR_DELEGATION_CHAIN_INVALID', 'Delegated tokens are not accepted here');
  };

  constructor(deps: CredentialAuthorityDeps) {
    this.#d = deps;
  }

  async issue(request: IssueRequest, actor: string, rotates?: CredentialRecord): Promise<{ token: string; credential: CredentialRecord }> {
    const subject = agentSpiffeId(this.#d.trustDomain, request.agentId);
    const refusal = { actor, kind: rotates ? 'credential.rotate' : 'credential.issue', subject, details: { audience: request.audience } };
    // Every check runs inside the transaction that commits the credential (signing is synchronous):
    // one read of the identity, under the write lock, so nothing can change between check and commit.
    // A refusal rolls back and is recorded in the same commit (auditedOutcome).
    let now = 0;
    const prepare = (kid: string): CredentialRecord => {
      const identity = this.#d.identities.get(request.agentId);
      if (!identity) throw new CharonError('ERR_IDENTITY_NOT_FOUND', `No identity ${request.agentId}`);
      now = this.#d.clock.now();
      // Invariant 1: no credential without an ACTIVE identity and a fresh attestation.
      if (identity.state !== 'ACTIVE') throw new CharonError('ERR_IDENTITY_NOT_ACTIVE', `Identity ${identity.id} is ${identity.state}`);
      if (identity.attestationExpiresAt === null || identity.attestationExpiresAt <= now) {
        throw new CharonError('ERR_ATTESTATION_REQUIRED', `No fresh attestation on record for ${identity.id}`);
      }
      const scopeTokens = request.scope ?? identity.scopes;
      if (!isScopeSubset(scopeTokens, identity.scopes)) throw new CharonError('ERR_SCOPE_NOT_ALLOWED', `Scope exceeds what ${identity.id} may hold`);
      const cap = this.#d.ttlCapsMs[identity.environment];
      // Never past the cap for the environment, nor past the attestation that vouches for the agent.
      const ttl = Math.min(request.ttlSeconds ? request.ttlSeconds * 1000 : cap, cap, identity.attestationExpiresAt - now);
      if (rotates) {
        const current = this.#d.credentials.get(rotates.jti);
        if (current?.state !== 'ACTIVE') throw new CharonError(current?.state === 'ROTATED' ? 'ERR_CREDENTIAL_ROTATED' : 'ERR_CREDENTIAL_REVOKED', 'The credential being rotated is no longer active');
      }
      return {
        jti: this.#d.credentials.nextJti(),
        agentId: identity.id,
        spiffeId: identity.spiffeId,
        audience: request.audience ?? this.#d.defaultAudience,
        scope: formatScope(scopeTokens),
        environment: identity.environment,
        kid,
        issuedAt: Math.floor(now / 1000) * 1000,
        expiresAt: Math.floor((now + ttl) / 1000) * 1000,
        state: 'ACTIVE',
        dpopJkt: request.dpopJkt ?? null,
        rotatedTo: null,
      };
    };
    return this.#signAndCommit(prepare, request.clientId ? { clientId: request.clientId } : {}, refusal, (credential) => {
      if (rotates) this.#d.credentials.setState(rotates.jti, 'ROTATED', now, { rotatedTo: credential.jti });
      this.#d.credentials.insert(credential);
      this.#d.audit.append({
        actor,
        kind: rotates ? 'credential.rotate' : 'credential.issue',
        subject: credential.spiffeId,
        decision: 'allow',
        details: { jti: credential.jti, aud: credential.audience, scope: credential.scope, exp: credential.expiresAt, kid: credential.kid, jkt: credential.dpopJkt, ...(rotates ? { rotated: rotates.jti } : {}) },
      });
    });
  }

  /**
   * A delegated token (RFC 8693): `sub` the owner, `act` the actors. The delegation feature
   * decides what may be issued; `commit` runs inside the transaction that stores the credential
   * (it re-checks and stores the hop), so the token exists only if the hop does.
   */
  async issueDelegated(request: DelegatedIssue, refusal: Omit<AuditEventInput, 'decision'>, commit: (credential: CredentialRecord) => void): Promise<{ token: string; credential: CredentialRecord }> {
    const now = this.#d.clock.now();
    const credentialWith = (kid: string): CredentialRecord => ({
      jti: this.#d.credentials.nextJti(),
      agentId: request.agentId,
      spiffeId: request.subject,
      audience: request.audience,
      scope: request.scope,
      environment: request.environment,
      kid,
      issuedAt: Math.floor(now / 1000) * 1000,
      expiresAt: Math.floor(request.expiresAt / 1000) * 1000,
      state: 'ACTIVE',
      dpopJkt: request.dpopJkt,
      rotatedTo: null,
    });
    // A delegated token speaks for the owner (`sub`) through its actors: an access token for the current actor, not a JWT-SVID.
    return this.#signAndCommit(credentialWith, { actors: request.actors, acr: request.acr, amr: request.amr, clientId: request.actors.at(-1) ?? request.subject }, refusal, (credential) => {
      this.#d.credentials.insert(credential);
      commit(credential);
    });
  }

  /**
   * In one transaction: `prepare` checks and builds the credential, the token is signed (node:crypto,
   * synchronously), `store` writes it with its audit record. Reloads the keys and tries again if a
   * rotation by another process retired the key this process signs with.
   */
  async #signAndCommit(
    prepare: (kid: string) => CredentialRecord,
    extra: Pick<SvidClaims, 'actors' | 'acr' | 'amr' | 'clientId'>,
    refusal: Omit<AuditEventInput, 'decision'>,
    store: (credential: CredentialRecord) => void,
  ): Promise<{ token: string; credential: CredentialRecord }> {
    const [ring, repo] = extra.clientId === undefined ? [this.#d.keyRing, this.#d.signingKeys] : [this.#d.accessKeyRing, this.#d.accessSigningKeys];
    // No check of the data version first: the key's state is read under the write lock below, and that read decides.
    for (let attempt = 0; ; attempt++) {
      const key = ring.activeKey();
      const signAndStore = (): { token: string; credential: CredentialRecord } | null => {
        // A rotation by another process may have retired this key: reload and sign again.
        if (!repo.isActive(key.record.kid)) return null;
        const credential = prepare(key.record.kid);
        const token = signJwtSvid(key, {
          issuer: this.#d.issuer,
          spiffeId: credential.spiffeId,
          audience: credential.audience,
          jti: credential.jti,
          scope: credential.scope,
          env: credential.environment,
          issuedAt: credential.issuedAt,
          expiresAt: credential.expiresAt,
          dpopJkt: credential.dpopJkt,
          ...extra,
        });
        store(credential);
        return { token, credential };
      };
      // The refusal comes back out of the transaction (auditedOutcome), so its record commits too.
      const outcome = await this.#d.groupCommit(() => auditedOutcome(this.#d.tx, this.#d.audit, refusal, signAndStore));
      if ('refused' in outcome) throw outcome.refused;
      if (outcome.value) return outcome.value;
      if (attempt >= 2) throw new CharonError('ERR_STORE_BUSY', 'Signing keys keep changing; try again');
      await ring.reload();
    }
  }

  /** Verifies signature and claims, then the record: unknown, revoked or rotated tokens and inactive identities are refused. */
  /**
   * `accept`: 'svid' (default) takes JWT-SVIDs only, an agent's identity; 'any' also takes access
   * tokens (delegated, OAuth), which belong only at a resource (the gateway) or as an exchange's subject.
   */
  async verify(token: string, audience?: string, accept: 'svid' | 'any' = 'svid'): Promise<VerifiedCredential> {
    const kind = tokenKind(token);
    if (kind === 'access' && accept === 'svid') throw new CharonError('ERR_TOKEN_KIND', 'An access token (delegated or OAuth) is not an agent identity: present the agent\'s own JWT-SVID here');
    const ring = kind === 'access' ? this.#d.accessKeyRing : this.#d.keyRing;
    if (ring.stale) await ring.refresh();
    const aud = audience ?? this.#d.defaultAudience;
    const now = this.#d.clock.now();
    const keyFor = (kid: string) => ring.verificationKey(kid);
    let svid = this.#verified.get(token, aud, now, keyFor);
    if (!svid) {
      svid = await verifyJwtSvid(token, { issuer: this.#d.issuer, audience: aud, trustDomain: this.#d.trustDomain, now, keyFor, kind });
      this.#verified.set(token, aud, svid);
    }
    const found = this.#d.credentials.getWithIdentityState(svid.jti);
    const chain = found?.chain ?? null;
    const credential = found?.credential;
    if (!found || !credential || credential.spiffeId !== svid.spiffeId || credential.kid !== svid.kid) {
      throw new CharonError('ERR_CREDENTIAL_UNKNOWN', 'This credential was not issued here');
    }
    if (credential.state === 'REVOKED') throw new CharonError('ERR_CREDENTIAL_REVOKED', 'This credential has been revoked');
    if (credential.state === 'ROTATED') throw new CharonError('ERR_CREDENTIAL_ROTATED', 'This credential has been replaced by a newer one');
    if (credential.state === 'EXPIRED') throw new CharonError('ERR_JWT_EXPIRED', 'Token has expired');
    if (found.identityState !== 'ACTIVE') throw new CharonError('ERR_IDENTITY_NOT_ACTIVE', `Identity ${credential.agentId} is not ACTIVE`);
    // A token with an `act` chain, or issued as a hop of one, must match its stored chain, every actor still ACTIVE.
    if (chain !== null || svid.actors.length > 0) this.#chainCheck(svid, credential, chain);
    return { ...svid, credential, chain };
  }

  /**
   * Signature and claims as they were at issuance (`iat`), whatever happened since: tracing a
   * token back to its owner must work for expired and revoked tokens too. Nothing is trusted
   * from a token whose signature does not verify with a key of the bundle.
   */
  async verifyAsIssued(token: string): Promise<VerifiedSvid> {
    let claims: JWTPayload;
    try {
      claims = decodeJwt(token);
    } catch {
      throw new CharonError('ERR_JWT_MALFORMED', 'Not a JWT');
    }
    if (typeof claims.iat !== 'number') throw new CharonError('ERR_JWT_CLAIM_INVALID', '"iat" is missing');
    const kind = tokenKind(token);
    const ring = kind === 'access' ? this.#d.accessKeyRing : this.#d.keyRing;
    await ring.refresh();
    return verifyJwtSvid(token, {
      issuer: this.#d.issuer,
      audience: typeof claims.aud === 'string' ? claims.aud : this.#d.defaultAudience,
      trustDomain: this.#d.trustDomain,
      now: claims.iat * 1000,
      keyFor: (kid) => ring.verificationKey(kid),
      kind,
    });
  }

  /** Installs the delegation feature's check of a token's chain (app wires it). */
  useChainCheck(check: ChainCheck): void {
    this.#chainCheck = check;
  }

  /** A new credential with the same terms; the presented one becomes ROTATED. */
  async rotate(current: VerifiedCredential, actor: string): Promise<{ token: string; credential: CredentialRecord }> {
    const c = current.credential;
    // Renewing a delegated token would turn it into the actor's own: a new exchange is the way.
    if (current.chain !== null) throw new CharonError('ERR_FORBIDDEN', 'A delegated token cannot be renewed; exchange the parent token again');
    return this.issue({ agentId: c.agentId, audience: c.audience, scope: c.scope.split(' ').filter(Boolean), dpopJkt: c.dpopJkt }, actor, c);
  }

  revoke(jti: string, actor: string, reason?: string): CredentialRecord {
    return auditedChange(this.#d.tx, this.#d.audit, { actor, kind: 'credential.revoke', subject: jti }, () => {
      const credential = this.#d.credentials.get(jti);
      if (!credential) throw new CharonError('ERR_CREDENTIAL_NOT_FOUND', `No credential ${jti}`);
      if (credential.state === 'ACTIVE') {
        this.#d.credentials.setState(jti, 'REVOKED', this.#d.clock.now(), { reason: reason ?? 'revoked by operator' });
        this.#d.audit.append({ actor, kind: 'credential.revoke', subject: credential.spiffeId, decision: 'allow', details: { jtis: [jti], reason } });
      }
      return this.#d.credentials.get(jti) as CredentialRecord;
    });
  }

  list(filter: { agentId?: string; liveOnly?: boolean }): CredentialRecord[] {
    const now = this.#d.clock.now();
    return this.#d.credentials
      .list({ agentId: filter.agentId, liveAt: filter.liveOnly ? now : undefined })
      .map((c) => (c.state === 'ACTIVE' && c.expiresAt <= now ? { ...c, state: 'EXPIRED' } : c));
  }
}
