import type { AuditDecision, CredentialState, Environment, LifecycleState } from '../../src-shared/domain.js';
import type { GrantSpec } from '../../src-shared/grant.js';

// Records as the domain sees them; times are epoch milliseconds.

export interface IdentityRecord {
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

export interface JoinTokenRecord {
  readonly tokenHash: string;
  readonly agentId: string;
  readonly selectors: readonly string[];
  readonly createdAt: number;
  readonly expiresAt: number;
  readonly usedAt: number | null;
}

export type AttestationMethod = 'join_token' | 'k8s_psat';

export interface AttestationRecord {
  readonly agentId: string;
  readonly method: AttestationMethod;
  readonly selectors: readonly string[];
  readonly attestedAt: number;
  readonly expiresAt: number;
}

export interface CredentialRecord {
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

export interface SigningKeyRecord {
  readonly kid: string;
  readonly alg: 'ES256';
  readonly publicJwk: Readonly<Record<string, string>>;
  readonly sealedPrivateKey: Uint8Array;
  readonly state: 'ACTIVE' | 'RETIRED';
  readonly createdAt: number;
  readonly retiredAt: number | null;
  readonly leavesBundleAt: number | null;
}

export interface AuditEventInput {
  readonly actor: string;
  readonly kind: string;
  readonly subject: string;
  readonly decision: AuditDecision;
  readonly details?: Readonly<Record<string, unknown>>;
}

export interface AuditRecord extends Required<AuditEventInput> {
  readonly seq: number;
  readonly time: number;
  readonly prevHash: string;
  readonly hash: string;
}

export interface AuditCheckpointRecord {
  readonly seq: number;
  readonly hash: string;
  readonly time: number;
  readonly kid: string;
  readonly jws: string;
}

/** A grant as stored; `state` is the stored one (an ACTIVE grant past `expiresAt` reads as EXPIRED). */
export interface GrantRecord {
  readonly id: string;
  readonly agentId: string;
  readonly spec: GrantSpec;
  readonly specHash: string;
  readonly state: 'ACTIVE' | 'REVOKED' | 'EXPIRED';
  readonly createdAt: number;
  readonly createdBy: string;
  readonly updatedAt: number;
  readonly revokedAt: number | null;
  readonly expiresAt: number | null;
}
