// What the operator API returns. Times are epoch milliseconds.
import type { AuditDecision, CredentialState, Environment, LifecycleState } from './domain.js';

export interface IdentityDto {
  readonly id: string;
  readonly spiffeId: string;
  readonly displayName: string;
  readonly owner: string;
  readonly environment: Environment;
  readonly selectors: readonly string[];
  readonly scopes: readonly string[];
  readonly state: LifecycleState;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly lastAttestedAt: number | null;
  readonly attestationExpiresAt: number | null;
  readonly lastSeenAt: number | null;
}

export interface JoinTokenDto {
  /** The secret itself: shown once, stored only as a hash. */
  readonly token: string;
  readonly agentId: string;
  readonly selectors: readonly string[];
  readonly expiresAt: number;
}

export interface CredentialDto {
  readonly jti: string;
  readonly agentId: string;
  readonly spiffeId: string;
  readonly audience: string;
  readonly scope: string;
  readonly environment: Environment;
  readonly kid: string;
  readonly issuedAt: number;
  readonly expiresAt: number;
  readonly state: CredentialState;
  readonly dpopJkt: string | null;
  readonly rotatedTo: string | null;
}

export interface DelegationActClaim {
  readonly sub: string;
  readonly act?: DelegationActClaim;
}

export interface IssuedCredentialDto {
  readonly token: string;
  readonly credential: CredentialDto;
}

/** RFC 7662 introspection response. */
export interface IntrospectionDto {
  readonly active: boolean;
  readonly iss?: string;
  readonly sub?: string;
  readonly aud?: string;
  readonly exp?: number;
  readonly iat?: number;
  readonly jti?: string;
  readonly scope?: string;
  readonly env?: string;
  readonly token_type?: string;
  readonly cnf?: { readonly jkt: string };
  /** A delegated token (RFC 8693 §4.1): the current actor, each prior actor nested in `act`. */
  readonly act?: DelegationActClaim;
  readonly acr?: string;
  readonly amr?: readonly string[];
}

export interface VerifiedCredentialDto {
  readonly jti: string;
  readonly agentId: string;
  readonly spiffeId: string;
  readonly audience: string;
  readonly scope: string;
  readonly environment: Environment;
  readonly expiresAt: number;
  readonly kid: string;
}

export interface SigningKeyDto {
  readonly kid: string;
  readonly alg: 'ES256';
  readonly state: 'ACTIVE' | 'RETIRED';
  readonly createdAt: number;
  readonly retiredAt: number | null;
  /** When a retired key leaves the trust bundle: every token it signed has expired by then. */
  readonly leavesBundleAt: number | null;
  readonly inBundle: boolean;
}

export interface AuditEventDto {
  readonly seq: number;
  readonly time: number;
  readonly actor: string;
  readonly kind: string;
  readonly subject: string;
  readonly decision: AuditDecision;
  readonly details: Readonly<Record<string, unknown>>;
  readonly prevHash: string;
  readonly hash: string;
}

export interface AuditCheckpointDto {
  readonly seq: number;
  readonly hash: string;
  readonly time: number;
  readonly kid: string;
  readonly jws: string;
}

export type AuditProblem = 'edited' | 'deleted' | 'reordered' | 'truncated' | 'unauthenticated' | 'bad-checkpoint-signature' | 'unknown-checkpoint-key';

export interface AuditVerifyDto {
  readonly ok: boolean;
  readonly records: number;
  readonly checkpoints: number;
  readonly lastCheckpointSeq: number | null;
  readonly headSeq: number | null;
  /** The first record (or checkpoint) that fails, if any. */
  readonly firstBad: { readonly seq: number; readonly problem: AuditProblem; readonly message: string } | null;
}

export interface StatusDto {
  readonly trustDomain: string;
  readonly issuer: string;
  readonly audience: string;
  readonly agentUrl: string | null;
  readonly bridgeUrl: string | null;
  readonly dataDir: string;
  /** Where the tables live: the SQLite file here, or (team mode) a Postgres database shared by every replica, its URL without password. */
  readonly store: { readonly kind: 'sqlite' | 'postgres'; readonly location: string };
  readonly ttlCapsSeconds: Readonly<Record<Environment, number>>;
  readonly counts: Readonly<Record<LifecycleState, number>>;
  readonly auditHeadSeq: number;
  /** How the master key (which seals the signing keys at rest) is held, and if not sealed by the OS, why. */
  readonly keyProtection: { readonly kind: 'os-keychain' | 'file'; readonly note: string | null };
}

export interface JwkDto {
  readonly kty: string;
  readonly crv?: string;
  readonly x?: string;
  readonly y?: string;
  readonly kid: string;
  readonly use: 'jwt-svid';
  readonly alg: string;
}

/** A SPIFFE bundle: a JWKS with SPIFFE's extra members. */
export interface TrustBundleDto {
  readonly keys: readonly JwkDto[];
  readonly spiffe_sequence: number;
  readonly spiffe_refresh_hint: number;
}
