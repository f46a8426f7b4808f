import type { IntrospectionDto } from '../../src-shared/dto.js';
import { CharonError } from '../core/errors.js';
import { agentIdOf } from '../core/spiffe-id.js';
import type { VerifiedCredential } from '../authority/credential-authority.js';
import { nestActors } from '../crypto/jwt-svid-issue.js';
import type { AttestationService } from '../attest/attestation-service.js';
import type { CredentialAuthority } from '../authority/credential-authority.js';
import type { Clock } from '../core/clock.js';
import type { Store } from '../store/store.js';
import type { CharonConfig } from './config.js';
import { audienceOf } from './token-audience.js';

export interface SvidResponse {
  readonly spiffe_id: string;
  readonly svid: string;
  readonly jti: string;
  readonly expires_at: number;
  readonly attestation_expires_at: number | null;
}

/** What the agent API uses of the control plane. */
export interface AgentApiDeps {
  readonly authority: Pick<CredentialAuthority, 'issue' | 'rotate' | 'verify'>;
  readonly attestation: Pick<AttestationService, 'attestWithJoinToken' | 'attestWithK8sToken'>;
  readonly store: Pick<Store, 'identities'>;
  readonly config: Pick<CharonConfig, 'issuer' | 'trustDomain'>;
  readonly clock: Clock;
}

/**
 * What an agent may do, and nothing more: attest itself, get and rotate its own credentials,
 * introspect a token. No operator state is reachable from here.
 */
export class AgentApi {
  readonly #plane: AgentApiDeps;

  constructor(plane: AgentApiDeps) {
    this.#plane = plane;
  }

  /** The caller's credential, checked fully (signature, claims, revocation, identity ACTIVE). */
  async authenticate(token: string): Promise<VerifiedCredential> {
    const verified = await this.#plane.authority.verify(token);
    this.#plane.store.identities.touch(verified.credential.agentId, this.#plane.clock.now());
    return verified;
  }

  /** `dpopJkt`: the key a DPoP proof sent with the request proved; the credential is bound to it. */
  async attestJoinToken(input: { agentId: string; token: string; selectors?: readonly string[]; dpopJkt?: string | null }): Promise<SvidResponse> {
    const result = this.#plane.attestation.attestWithJoinToken(input.agentId, input.token, input.selectors);
    return this.#issueAfterAttestation(result.identity.id, result.identity.spiffeId, input.dpopJkt ?? null);
  }

  async attestK8s(input: { agentId: string; token: string; dpopJkt?: string | null }): Promise<SvidResponse> {
    const result = await this.#plane.attestation.attestWithK8sToken(input.agentId, input.token);
    return this.#issueAfterAttestation(result.identity.id, result.identity.spiffeId, input.dpopJkt ?? null);
  }

  /** Another credential for the caller itself (a narrower scope, another audience). */
  async issueForSelf(caller: VerifiedCredential, request: { audience?: string; scope?: readonly string[]; ttlSeconds?: number }): Promise<SvidResponse> {
    // A delegated token speaks for its owner, not for the agent holding it: it obtains nothing of the agent's own.
    if (caller.chain !== null) throw new CharonError('ERR_FORBIDDEN', "A delegated token cannot obtain the agent's own credentials; use the agent's own");
    const { token, credential } = await this.#plane.authority.issue({ agentId: caller.credential.agentId, ...request, dpopJkt: caller.credential.dpopJkt }, caller.spiffeId);
    return this.#response(caller.spiffeId, token, credential.jti, credential.expiresAt);
  }

  async rotate(caller: VerifiedCredential): Promise<SvidResponse> {
    const { token, credential } = await this.#plane.authority.rotate(caller, caller.spiffeId);
    return this.#response(caller.spiffeId, token, credential.jti, credential.expiresAt);
  }

  /** RFC 7662: any failure is simply `active: false`, never a reason an attacker could probe. */
  async introspect(token: string): Promise<IntrospectionDto> {
    try {
      const v = await this.#plane.authority.verify(token, audienceOf(token), 'any');
      return {
        active: true,
        iss: this.#plane.config.issuer,
        sub: v.spiffeId,
        aud: v.audience,
        exp: Math.floor(v.expiresAt / 1000),
        iat: Math.floor(v.issuedAt / 1000),
        jti: v.jti,
        scope: v.scope,
        env: v.env,
        token_type: v.dpopJkt ? 'DPoP' : 'Bearer',
        ...(v.dpopJkt ? { cnf: { jkt: v.dpopJkt } } : {}),
        // RFC 8693 §4.1 / RFC 7662: a delegated token's actors (outermost acts now) and the owner's assurance.
        ...(v.actors.length > 0 ? { act: nestActors(v.actors), acr: v.acr ?? undefined, amr: [...v.amr] } : {}),
      };
    } catch (error) {
      if (error instanceof CharonError) return { active: false };
      throw error;
    }
  }

  async #issueAfterAttestation(agentId: string, spiffeId: string, dpopJkt: string | null): Promise<SvidResponse> {
    const { token, credential } = await this.#plane.authority.issue({ agentId, dpopJkt }, spiffeId);
    return this.#response(spiffeId, token, credential.jti, credential.expiresAt);
  }

  #response(spiffeId: string, svid: string, jti: string, expiresAt: number): SvidResponse {
    const agentId = agentIdOf(this.#plane.config.trustDomain, spiffeId);
    const identity = agentId ? this.#plane.store.identities.get(agentId) : null;
    return { spiffe_id: spiffeId, svid, jti, expires_at: Math.floor(expiresAt / 1000), attestation_expires_at: identity?.attestationExpiresAt ? Math.floor(identity.attestationExpiresAt / 1000) : null };
  }
}

/** Introspection accepts any audience this authority issued for; the signature and record still decide. */
