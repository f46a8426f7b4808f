// Delegation (RFC 8693 token exchange): an owner authorizes an agent to act on their behalf
// (the root hop), and an agent hands a narrower slice of what it holds to another agent (each
// further hop). `sub` stays the owner for the whole chain; the actors nest in `act`. Every hop
// is stored with its token, so any credential traces back to the human who started it.
import { randomUUID } from 'node:crypto';
import type { Acr, DelegatedAuthority } from '../../src-shared/delegation.js';
import type { Environment } from '../../src-shared/domain.js';
import type { AuditLog } from '../audit/audit-log.js';
import { auditedChange } from '../audit/audited.js';
import type { Clock } from '../core/clock.js';
import type { ChainState, DelegationRecord, DelegationRepository } from '../core/delegation-ports.js';
import { CharonError } from '../core/errors.js';
import type { CredentialRepository, IdentityRepository, Transactor } from '../core/ports.js';
import type { OwnerRepository } from '../core/reaper-ports.js';
import type { AuditEventInput, CredentialRecord, GrantRecord } from '../core/records.js';
import { formatScope, isScopeSubset, parseScope } from '../core/scope.js';
import { agentSpiffeId, ownerSpiffeId } from '../core/spiffe-id.js';
import { decodeJwt } from 'jose';
import { readActors } from '../crypto/act-claim.js';
import type { VerifiedSvid } from '../crypto/jwt-svid-verify.js';
import { authorityRefusal, authoritySpec, hopTermsRefusal, type Refusal } from './attenuation.js';
import { checkChain } from './chain-check.js';

/** What the delegation feature needs of the credential authority. */
export interface DelegationAuthority {
  verify(token: string, audience?: string, accept?: 'svid' | 'any'): Promise<{ jti: string; spiffeId: string; scope: string; env: Environment; expiresAt: number; dpopJkt: string | null; acr: string | null; credential: CredentialRecord; chain: unknown }>;
  issueDelegated(
    request: {
      agentId: string;
      subject: string;
      audience: string;
      scope: string;
      environment: Environment;
      expiresAt: number;
      dpopJkt: string | null;
      actors: readonly string[];
      acr: string;
      amr: readonly string[];
    },
    refusal: Omit<AuditEventInput, 'decision'>,
    commit: (credential: CredentialRecord) => void,
  ): Promise<{ token: string; credential: CredentialRecord }>;
  /** The signature and claims of a token as they were when it was issued (for tracing a token that has since expired). */
  verifyAsIssued(token: string): Promise<{ jti: string }>;
}

export interface DelegationServiceDeps {
  readonly delegations: DelegationRepository;
  readonly identities: IdentityRepository;
  readonly credentials: CredentialRepository;
  readonly owners: OwnerRepository;
  readonly tx: Transactor;
  readonly audit: AuditLog;
  readonly clock: Clock;
  readonly authority: DelegationAuthority;
  /** The agent's grants in force: the authority a chain rooted at it draws on. */
  readonly activeGrants: (agentId: string, now: number) => readonly GrantRecord[];
  /** Verifies a DPoP proof of the request (signature, htm, htu, iat, ath, jkt, nonce) and spends its jti. */
  readonly verifyProof: (proof: string, expect: { method: string; url: string; accessToken: string; jkt: string }) => Promise<void>;
  readonly trustDomain: string;
  readonly defaultAudience: string;
  readonly ttlCapsMs: Readonly<Record<Environment, number>>;
  readonly maxDepth: number;
  readonly minAcr: Acr | null;
}

export interface AuthorizeRequest {
  readonly ownerId: string;
  readonly agentId: string;
  readonly scope?: readonly string[];
  readonly authority?: DelegatedAuthority;
  readonly audience?: string;
  readonly ttlSeconds?: number;
  readonly dpopJkt?: string;
  /** How the owner authenticated this authorization (verified by the caller); default the operator channel alone. */
  readonly assurance?: { readonly acr: Acr; readonly amr: readonly string[] };
}

/** A token-exchange request as RFC 8693 names it, already parsed. */
export interface ExchangeRequest {
  readonly subjectToken: string;
  readonly actorToken: string;
  readonly scope?: readonly string[];
  readonly audience?: string;
  readonly lifetimeSeconds?: number;
  readonly authority?: DelegatedAuthority;
  readonly acr?: Acr;
  /** The request's DPoP proof (required when the subject token is bound), its method and URL. */
  readonly proof?: string;
  readonly method: string;
  readonly url: string;
}

export interface Issued {
  readonly token: string;
  readonly delegation: DelegationRecord;
}

/** The root's assurance without a passkey step-up: an owner acting over the operator channel. */
const OPERATOR_ASSURANCE = { acr: 'urn:charon:acr:operator', amr: ['operator'] } as const;

export class DelegationService {
  readonly #d: DelegationServiceDeps;
  /** Authorities never change once stored: whether a hop's narrows its parent's is computed once. */
  readonly #narrowing = new Map<string, Refusal | null>();

  constructor(deps: DelegationServiceDeps) {
    this.#d = deps;
  }

  /** The root hop: the owner authorizes one of their agents to act on their behalf. */
  async authorize(request: AuthorizeRequest, actor: string): Promise<Issued> {
    const d = this.#d;
    const subject = ownerSpiffeId(d.trustDomain, request.ownerId);
    const refusal = { actor, kind: 'delegation.authorize', subject, details: { agentId: request.agentId, acr: request.assurance?.acr ?? OPERATOR_ASSURANCE.acr } };
    const now = d.clock.now();
    const terms = this.#refusedOrValue(refusal, () => {
      const identity = d.identities.get(request.agentId);
      if (!identity) throw new CharonError('ERR_IDENTITY_NOT_FOUND', `No identity ${request.agentId}`);
      if (identity.owner !== request.ownerId) throw new CharonError('ERR_FORBIDDEN', `${request.agentId} is owned by ${identity.owner}, not ${request.ownerId}`);
      this.#assertOwnerActive(request.ownerId);
      this.#assertAgentReady(request.agentId, now);
      const scope = request.scope ?? identity.scopes;
      if (!isScopeSubset(scope, identity.scopes)) throw new CharonError('ERR_DELEGATION_WIDENS', `scope exceeds what ${identity.id} may hold`);
      if (request.authority) {
        const specs = d.activeGrants(identity.id, now).map((g) => g.spec);
        const widened = authorityRefusal(request.authority, identity.environment, specs);
        if (widened) throw new CharonError(widened.code, widened.message);
      }
      const cap = Math.min(d.ttlCapsMs[identity.environment], (identity.attestationExpiresAt as number) - now);
      const ttl = Math.min(request.ttlSeconds ? request.ttlSeconds * 1000 : cap, cap);
      const jkt = request.dpopJkt ?? this.#currentKeyOf(identity.id, now);
      return { identity, scope: formatScope(scope), expiresAt: now + ttl, jkt };
    });
    const id = newHopId();
    return this.#issue(
      {
        id,
        parentId: null,
        rootId: id,
        path: [id],
        depth: 1,
        ownerId: request.ownerId,
        delegator: subject,
        agentId: terms.identity.id,
        audience: request.audience ?? d.defaultAudience,
        scope: terms.scope,
        environment: terms.identity.environment,
        authority: request.authority ?? null,
        acr: (request.assurance ?? OPERATOR_ASSURANCE).acr,
        amr: [...(request.assurance ?? OPERATOR_ASSURANCE).amr],
        dpopJkt: terms.jkt,
        issuedAt: now,
        expiresAt: terms.expiresAt,
      },
      refusal,
      () => {
        this.#assertOwnerActive(request.ownerId);
        this.#assertAgentReady(request.agentId, d.clock.now());
      },
    );
  }

  /**
   * RFC 8693 token exchange: the holder of `subjectToken` (a delegated token, proven with a DPoP
   * proof when bound) hands a narrower slice of it to the agent whose own credential is `actorToken`.
   */
  async exchange(request: ExchangeRequest): Promise<Issued> {
    const d = this.#d;
    const refusal: Omit<AuditEventInput, 'decision'> = { actor: 'unauthenticated', kind: 'delegation.exchange', subject: '-' };
    const now = d.clock.now();
    const prepared = await this.#refusedOrValueAsync(refusal, async () => {
      // The subject may be a delegated access token (a further hop); the actor must be an agent's own JWT-SVID.
      const subject = await d.authority.verify(request.subjectToken, undefined, 'any');
      const parent = d.delegations.getByJti(subject.jti);
      if (!parent) throw new CharonError('ERR_DELEGATION_CHAIN_INVALID', 'The subject token is not part of a chain rooted at its owner; the owner must authorize first');
      Object.assign(refusal, { actor: agentSpiffeId(d.trustDomain, parent.agentId), subject: ownerSpiffeId(d.trustDomain, parent.ownerId), details: { parent: parent.id } });
      // RFC 9449: a bound subject token is exchanged only by the holder of its key.
      if (parent.dpopJkt) {
        if (!request.proof) throw new CharonError('ERR_DPOP_PROOF_MISSING', 'The subject token is DPoP-bound: send a DPoP proof made with its key');
        await d.verifyProof(request.proof, { method: request.method, url: request.url, accessToken: request.subjectToken, jkt: parent.dpopJkt });
      }
      // The actor proves itself with its own JWT-SVID; a delegated or OAuth token there is no identity.
      const actor = await d.authority.verify(request.actorToken).catch((error: unknown) => {
        if (error instanceof CharonError && error.code === 'ERR_TOKEN_KIND') throw new CharonError('ERR_DELEGATION_ACTOR_INVALID', 'The actor token must be the delegatee\'s own JWT-SVID, not a delegated or OAuth access token');
        throw error;
      });
      if (actor.chain !== null) throw new CharonError('ERR_DELEGATION_ACTOR_INVALID', "The actor token must be the delegatee's own credential, not a delegated one");
      const delegatee = actor.credential.agentId;
      const chain = d.delegations.chain(parent.id);
      if (chain.some((h) => h.agentId === delegatee)) throw new CharonError('ERR_DELEGATION_ACTOR_INVALID', `${delegatee} already acts in this chain`);
      if (parent.dpopJkt && !actor.dpopJkt) throw new CharonError('ERR_DELEGATION_ACTOR_INVALID', "The parent is DPoP-bound: the actor token must be bound to the delegatee's key");
      if (parent.depth + 1 > d.maxDepth) throw new CharonError('ERR_DELEGATION_DEPTH_EXCEEDED', `A chain may be at most ${d.maxDepth} hops deep`);
      const audience = request.audience ?? parent.audience;
      if (audience !== parent.audience) throw new CharonError('ERR_DELEGATION_TARGET_INVALID', `The audience must be the parent's (${parent.audience})`);
      // A lifetime asked past the parent's is refused (below); otherwise it is capped for the environment.
      const requested = request.lifetimeSeconds !== undefined ? now + request.lifetimeSeconds * 1000 : parent.expiresAt;
      const terms = {
        scope: formatScope(request.scope ?? parseScope(parent.scope)),
        environment: actor.env,
        expiresAt: requested > parent.expiresAt ? requested : Math.min(requested, now + d.ttlCapsMs[actor.env]),
        acr: request.acr ?? parent.acr,
      };
      const widened = hopTermsRefusal(terms, parent);
      if (widened) throw new CharonError(widened.code, widened.message);
      if (request.authority) {
        const outer = this.#effectiveAuthority(chain, now);
        const refused = authorityRefusal(request.authority, parent.environment, outer);
        if (refused) throw new CharonError(refused.code, refused.message);
      }
      return { parent, chain, delegatee, terms, jkt: actor.dpopJkt };
    });
    const { parent, chain, delegatee, terms, jkt } = prepared;
    const id = newHopId();
    return this.#issue(
      {
        id,
        parentId: parent.id,
        rootId: parent.rootId,
        path: [...parent.path, id],
        depth: parent.depth + 1,
        ownerId: parent.ownerId,
        delegator: agentSpiffeId(d.trustDomain, parent.agentId),
        agentId: delegatee,
        audience: parent.audience,
        scope: terms.scope,
        environment: terms.environment,
        authority: request.authority ?? null,
        acr: terms.acr,
        amr: [...parent.amr],
        dpopJkt: jkt,
        issuedAt: now,
        expiresAt: terms.expiresAt,
      },
      refusal,
      () => {
        // Re-read inside the commit: a revocation since the checks above wins.
        for (const hop of chain) {
          const current = d.delegations.get(hop.id);
          if (current?.state !== 'ACTIVE') throw new CharonError('ERR_DELEGATION_REVOKED', `Hop ${hop.id} of the chain was revoked`);
          if (d.identities.get(hop.agentId)?.state !== 'ACTIVE') throw new CharonError('ERR_DELEGATION_ACTOR_INACTIVE', `Agent ${hop.agentId} in the chain is not ACTIVE`);
        }
        this.#assertOwnerActive(parent.ownerId);
        this.#assertAgentReady(delegatee, d.clock.now());
      },
    );
  }

  #hop(id: string): DelegationRecord {
    const hop = this.#d.delegations.get(id);
    if (!hop) throw new CharonError('ERR_DELEGATION_NOT_FOUND', `No delegation ${id}`);
    return hop;
  }

  /** Revokes a hop and everything delegated below it, with their tokens, in one audited transaction. */
  revoke(id: string, actor: string, reason?: string): DelegationRecord {
    const d = this.#d;
    return auditedChange(d.tx, d.audit, { actor, kind: 'delegation.revoke', subject: id, details: { reason } }, () => {
      const hop = this.#hop(id);
      this.#revokeTree([hop, ...d.delegations.liveDescendants(id, 0)], actor, 'delegation.revoke', reason ?? 'revoked by operator', { hop: id });
      return this.#hop(id);
    });
  }

  /**
   * An agent left ACTIVE for good (REVOKED, DECOMMISSIONED, killed): the hops it received and
   * everything delegated below them are revoked, audited with the reason. Its descendants are
   * already refused at their next call (the chain check reads every actor's state); this makes
   * the revocation explicit and permanent.
   */
  cascadeFromAgent(agentId: string, actor: string, why: string): string[] {
    const d = this.#d;
    return d.tx.transact(() => {
      const now = d.clock.now();
      const own = d.delegations.list({ agentId, liveAt: now }).filter((h) => h.agentId === agentId);
      const below = d.delegations.liveDescendantsOfAgent(agentId, now);
      const hops = [...own, ...below];
      if (hops.length === 0) return [];
      return this.#revokeTree(hops, actor, 'delegation.cascade', why, { agentId });
    });
  }

  /** The agents holding authority delegated, directly or further down, from `agentId` (the reaper's orphan cascade). */
  descendantAgents(agentId: string): string[] {
    return [...new Set(this.#d.delegations.liveDescendantsOfAgent(agentId, this.#d.clock.now()).map((h) => h.agentId))].sort();
  }

  /**
   * A delegated token refused at use (its chain broken, an actor no longer ACTIVE, a hop revoked…)
   * is recorded with the reason before the refusal is returned; other refusals pass through as they are.
   */
  refusedUse(token: string, error: unknown): never {
    if (error instanceof CharonError && error.code.startsWith('ERR_DELEGATION_')) {
      // The chain check runs after the signature verified: these claims are the issuer's.
      const claims = decodeJwt(token);
      const actors = readActors(claims.act, this.#d.trustDomain);
      this.#d.audit.append({
        actor: actors[actors.length - 1] ?? String(claims.sub),
        kind: 'delegation.deny',
        subject: String(claims.sub),
        decision: 'deny',
        details: { jti: claims.jti, act: actors, code: error.code, message: error.message },
      });
    }
    throw error;
  }

  /** The check the credential authority runs on every delegated token it verifies. */
  readonly checkChain = (svid: VerifiedSvid, credential: CredentialRecord, chain: ChainState | null): void => {
    checkChain(svid, credential, chain, { trustDomain: this.#d.trustDomain, maxDepth: this.#d.maxDepth, minAcr: this.#d.minAcr, authorityRefusal: (hopId) => this.#authorityRefusalOf(hopId) });
  };

  /** The narrowest authority in force at the end of `chain`: its last narrowing hop, else the root agent's grants. */
  #effectiveAuthority(chain: readonly DelegationRecord[], now: number): ReturnType<typeof authoritySpec>[] {
    const root = chain[0] as DelegationRecord;
    for (let i = chain.length - 1; i >= 0; i--) {
      const hop = chain[i] as DelegationRecord;
      if (hop.authority) return [authoritySpec(root.agentId, hop.environment, hop.authority, null)];
    }
    return this.#d.activeGrants(root.agentId, now).map((g) => g.spec);
  }

  #authorityRefusalOf(hopId: string): Refusal | null {
    if (this.#narrowing.has(hopId)) return this.#narrowing.get(hopId) ?? null;
    const chain = this.#d.delegations.chain(hopId);
    const hop = chain[chain.length - 1];
    let result: Refusal | null = null;
    if (hop?.authority) {
      const above = chain.slice(0, -1);
      const narrowing = [...above].reverse().find((h) => h.authority !== null);
      // Against the root agent's grants only when nothing above narrows: grants change, so that
      // comparison is not cached (the gateway evaluates the grants on every call anyway).
      if (!narrowing) return null;
      result = authorityRefusal(hop.authority, hop.environment, [authoritySpec('-', narrowing.environment, narrowing.authority as DelegatedAuthority, null)]);
    }
    this.#narrowing.set(hopId, result);
    return result;
  }

  async #issue(hop: Omit<DelegationRecord, 'jti' | 'state' | 'revokedAt' | 'reason'>, refusal: Omit<AuditEventInput, 'decision'>, recheck: () => void): Promise<Issued> {
    const d = this.#d;
    const chain = hop.parentId === null ? [] : d.delegations.chain(hop.parentId);
    const actors = [...chain.map((h) => agentSpiffeId(d.trustDomain, h.agentId)), agentSpiffeId(d.trustDomain, hop.agentId)];
    let stored: DelegationRecord | null = null;
    const { token } = await d.authority.issueDelegated(
      {
        agentId: hop.agentId,
        subject: ownerSpiffeId(d.trustDomain, hop.ownerId),
        audience: hop.audience,
        scope: hop.scope,
        environment: hop.environment,
        expiresAt: hop.expiresAt,
        dpopJkt: hop.dpopJkt,
        actors,
        acr: hop.acr,
        amr: hop.amr,
      },
      refusal,
      (credential) => {
        recheck();
        stored = { ...hop, jti: credential.jti, issuedAt: credential.issuedAt, expiresAt: credential.expiresAt, state: 'ACTIVE', revokedAt: null, reason: null };
        d.delegations.insert(stored);
        d.audit.append({
          actor: refusal.actor,
          kind: refusal.kind,
          subject: refusal.subject,
          decision: 'allow',
          details: { id: hop.id, parent: hop.parentId, depth: hop.depth, act: actors, agentId: hop.agentId, jti: credential.jti, scope: hop.scope, exp: credential.expiresAt, acr: hop.acr, narrowed: hop.authority !== null, jkt: hop.dpopJkt },
        });
      },
    );
    return { token, delegation: stored as unknown as DelegationRecord };
  }

  #revokeTree(hops: readonly DelegationRecord[], actor: string, kind: string, reason: string, details: Record<string, unknown>): string[] {
    const d = this.#d;
    const now = d.clock.now();
    const ids = d.delegations.revoke(
      hops.map((h) => h.id),
      now,
      reason,
    );
    const revokedJtis: string[] = [];
    for (const hop of hops) {
      if (d.credentials.get(hop.jti)?.state === 'ACTIVE') {
        d.credentials.setState(hop.jti, 'REVOKED', now, { reason });
        revokedJtis.push(hop.jti);
      }
    }
    if (ids.length > 0 || revokedJtis.length > 0) {
      const owner = hops[0] as DelegationRecord;
      d.audit.append({
        actor,
        kind,
        subject: ownerSpiffeId(d.trustDomain, owner.ownerId),
        decision: 'allow',
        details: { ...details, reason, hops: ids, agents: [...new Set(hops.map((h) => h.agentId))], jtis: revokedJtis },
      });
    }
    return ids;
  }

  #assertOwnerActive(ownerId: string): void {
    const state = this.#d.owners.get(ownerId)?.state ?? 'ACTIVE';
    if (state !== 'ACTIVE') throw new CharonError('ERR_DELEGATION_OWNER_INACTIVE', `Owner ${ownerId} is ${state}`);
  }

  /** Invariant 1 for the delegatee too: ACTIVE, with a fresh attestation. */
  #assertAgentReady(agentId: string, now: number): void {
    const identity = this.#d.identities.get(agentId);
    if (!identity) throw new CharonError('ERR_IDENTITY_NOT_FOUND', `No identity ${agentId}`);
    if (identity.state !== 'ACTIVE') throw new CharonError('ERR_IDENTITY_NOT_ACTIVE', `Identity ${agentId} is ${identity.state}`);
    if (identity.attestationExpiresAt === null || identity.attestationExpiresAt <= now) throw new CharonError('ERR_ATTESTATION_REQUIRED', `No fresh attestation on record for ${agentId}`);
  }

  /** The DPoP key of the agent's newest live bound credential: the root token is bound to it too. */
  #currentKeyOf(agentId: string, now: number): string | null {
    const live = this.#d.credentials.list({ agentId, liveAt: now }).filter((c) => c.dpopJkt !== null && !this.#d.delegations.getByJti(c.jti));
    return live[0]?.dpopJkt ?? null;
  }

  /** Runs checks; a typed refusal is audited (and rethrown). */
  #refusedOrValue<T>(refusal: Omit<AuditEventInput, 'decision'>, fn: () => T): T {
    try {
      return fn();
    } catch (error) {
      return this.#recordRefusal(refusal, error);
    }
  }

  async #refusedOrValueAsync<T>(refusal: Omit<AuditEventInput, 'decision'>, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      return this.#recordRefusal(refusal, error);
    }
  }

  #recordRefusal(refusal: Omit<AuditEventInput, 'decision'>, error: unknown): never {
    if (error instanceof CharonError && error.code !== 'ERR_STORE_BUSY') {
      this.#d.audit.append({ ...refusal, decision: 'deny', details: { ...refusal.details, code: error.code, message: error.message } });
    }
    throw error;
  }
}

const newHopId = (): string => `dlg_${randomUUID().replaceAll('-', '')}`;
