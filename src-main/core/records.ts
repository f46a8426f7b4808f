import type { AuditDecision } from '../../src-shared/domain.js';
import type { CredentialDto, IdentityDto } from '../../src-shared/dto.js';
import type { GrantSpec } from '../../src-shared/grant.js';

// Records as the domain sees them; times are epoch milliseconds.

// The operator contract shows identities and credentials exactly as the domain holds them.
export type IdentityRecord = IdentityDto;

export interface JoinTokenRecord {
  readonly tokenHash: string;
  readonly agentId: string;
  readonly selectors: readonly string[];
  readonly createdAt: number;
  readonly expiresAt: number;
  readonly usedAt: number | null;
}

export type AttestationMethod = 'join_token' | 'k8s_psat' | 'oauth';

export interface AttestationRecord {
  readonly agentId: string;
  readonly method: AttestationMethod;
  readonly selectors: readonly string[];
  readonly attestedAt: number;
  readonly expiresAt: number;
}

export type CredentialRecord = CredentialDto;

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
