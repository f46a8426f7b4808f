// Domain vocabulary shared by main and renderer.
export const LIFECYCLE_STATES = ['PROVISIONED', 'ACTIVE', 'IDLE', 'REVOKED', 'DECOMMISSIONED'] as const;
export type LifecycleState = (typeof LIFECYCLE_STATES)[number];

export const ENVIRONMENTS = ['dev', 'test', 'prod'] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

export const CREDENTIAL_STATES = ['ACTIVE', 'ROTATED', 'EXPIRED', 'REVOKED'] as const;
export type CredentialState = (typeof CREDENTIAL_STATES)[number];

export const AUDIT_DECISIONS = ['allow', 'deny', 'info'] as const;
export type AuditDecision = (typeof AUDIT_DECISIONS)[number];
