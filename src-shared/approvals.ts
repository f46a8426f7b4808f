// Passkeys and grant approvals over the operator contract: inputs (validated at every boundary)
// and what the main process returns. WebAuthn JSON is checked for shape here and verified
// cryptographically in the main process (@simplewebauthn/server).
import { z } from 'zod';
import { grantSpecSchema, type GrantSpec } from './grant.js';
import { reasonSchema } from './schemas.js';

const b64url = z.string().max(16_384).regex(/^[A-Za-z0-9_-]*$/, 'must be base64url');

/** What @simplewebauthn/browser's startAuthentication() returns. */
export const authenticationResponseSchema = z.object({
  id: b64url.min(1),
  rawId: b64url.min(1),
  type: z.literal('public-key'),
  response: z.object({
    clientDataJSON: b64url.min(1),
    authenticatorData: b64url.min(1),
    signature: b64url.min(1),
    userHandle: b64url.optional(),
  }),
  authenticatorAttachment: z.enum(['platform', 'cross-platform']).optional(),
  clientExtensionResults: z.unknown().optional(),
});

/** What @simplewebauthn/browser's startRegistration() returns. */
export const registrationResponseSchema = z.object({
  id: b64url.min(1),
  rawId: b64url.min(1),
  type: z.literal('public-key'),
  response: z.object({
    clientDataJSON: b64url.min(1),
    attestationObject: b64url.min(1),
    authenticatorData: b64url.optional(),
    transports: z.array(z.string().max(32)).max(16).optional(),
    publicKeyAlgorithm: z.number().int().optional(),
    publicKey: b64url.optional(),
  }),
  authenticatorAttachment: z.enum(['platform', 'cross-platform']).optional(),
  clientExtensionResults: z.unknown().optional(),
});

export type AuthenticationResponseInput = z.infer<typeof authenticationResponseSchema>;
export type RegistrationResponseInput = z.infer<typeof registrationResponseSchema>;

export const grantRequestIdSchema = z.string().regex(/^grq_[A-Za-z0-9_-]{10,64}$/, 'must be a grant request id (grq_…)');
export const ceremonyIdSchema = z.string().regex(/^cer_[A-Za-z0-9_-]{10,64}$/, 'must be a ceremony id (cer_…)');
const passkeyIdSchema = b64url.min(1).max(1024);

export const passkeyRegisterBeginInput = z.strictObject({ label: z.string().min(1).max(80).optional() });
export const passkeyRegisterCompleteInput = z.strictObject({
  ceremonyId: ceremonyIdSchema,
  registration: registrationResponseSchema,
  /** Required when a passkey already exists: an assertion from one of them over the ceremony's challenge. */
  assertion: authenticationResponseSchema.optional(),
});
export const passkeyRemoveBeginInput = z.strictObject({ id: passkeyIdSchema });
export const passkeyRemoveInput = z.strictObject({ id: passkeyIdSchema, ceremonyId: ceremonyIdSchema, assertion: authenticationResponseSchema });

/** An emergency rotation: with a passkey enrolled, an assertion over a ceremony from `keys.emergencyRotateBegin`. */
export const emergencyRotateInput = z.strictObject({ reason: reasonSchema, ceremonyId: ceremonyIdSchema.optional(), assertion: authenticationResponseSchema.optional() });

export const listApprovalsInput = z.strictObject({ state: z.enum(['PENDING', 'APPROVED', 'DENIED', 'EXPIRED', 'WITHDRAWN']).optional() });
export const beginApprovalInput = z.strictObject({ requestId: grantRequestIdSchema, spec: grantSpecSchema });
export const completeApprovalInput = z.strictObject({ requestId: grantRequestIdSchema, response: authenticationResponseSchema });
export const denyApprovalInput = z.strictObject({ requestId: grantRequestIdSchema, reason: reasonSchema });
export const verifyGrantInput = z.strictObject({ id: z.string().regex(/^grt_[A-Za-z0-9_-]{10,64}$/, 'must be a grant id (grt_…)') });

/** The body of `POST /v1/grant-requests` (agent listener): a spec for the caller itself, and why. */
export const grantRequestBodySchema = z.strictObject({ spec: grantSpecSchema, purpose: z.string().min(1).max(500) });

export const GRANT_REQUEST_STATES = ['PENDING', 'APPROVED', 'DENIED', 'EXPIRED', 'WITHDRAWN'] as const;
export type GrantRequestState = (typeof GRANT_REQUEST_STATES)[number];

/** read < write < transact (payments, deletions and anything else that cannot be taken back). */
export const RISK_LEVELS = ['read', 'write', 'transact'] as const;
export type RiskLevel = (typeof RISK_LEVELS)[number];

export interface GrantRequestDto {
  readonly id: string;
  readonly agentId: string;
  readonly spec: GrantSpec;
  readonly specHash: string;
  readonly purpose: string;
  readonly state: GrantRequestState;
  readonly createdAt: number;
  readonly expiresAt: number;
  readonly decidedAt: number | null;
  readonly decidedBy: string | null;
  readonly reason: string | null;
  /** The grant an approval created. */
  readonly grantId: string | null;
  /** For a just-in-time request: the call that is held, as the agent made it. */
  readonly heldCall: HeldCallDto | null;
}

/** A tools/call held while the owner decides (just-in-time consent). */
export interface HeldCallDto {
  readonly server: string;
  readonly tool: string;
  readonly args: Readonly<Record<string, unknown>>;
}

/** One scope a held call can be approved at, narrowest first; `spec` is exactly what would be stored and signed. */
export interface JitChoiceDto {
  readonly id: 'once' | 'hour' | 'derived' | 'standing';
  /** In words: what, how often, until when. */
  readonly label: string;
  readonly spec: GrantSpec;
  /** What this choice would add to what the agent can do today. */
  readonly widenings: readonly WideningDto[];
}

/** One `server__tool` of a request, with how risky it is and whether the agent already has it. */
export interface RequestedToolDto {
  readonly name: string;
  readonly risk: RiskLevel;
  /** True only when an active grant already allows every call this one would (no widening names it). */
  readonly alreadyGranted: boolean;
}

/** A pending request as the inbox shows it. */
export interface ApprovalItemDto {
  readonly request: GrantRequestDto;
  readonly risk: RiskLevel;
  readonly tools: readonly RequestedToolDto[];
  /** What changes against the agent's active grants, on the grants' meaning (tools, constraints, resources, prompts, envelope, expiry). */
  readonly diff: {
    /** Tools that widen anything (new, or looser than today). */
    readonly added: readonly string[];
    readonly unchanged: readonly string[];
    readonly currentGrantIds: readonly string[];
    /** Every widening, named; empty exactly when the request allows nothing new. */
    readonly widenings: readonly WideningDto[];
    readonly nothingNew: boolean;
  };
  readonly agentEnvironment: string | null;
  /** For a just-in-time request: the scopes it can be approved at, the narrowest (the default) first. */
  readonly choices: readonly JitChoiceDto[] | null;
  /** When this environment needs M of N approvers (team mode): who may sign, and who has. */
  readonly quorum: QuorumStatusDto | null;
}

/** M of N approvers for one request: the grant is created once `required` of `approvers` signed the same spec. */
export interface QuorumStatusDto {
  readonly required: number;
  readonly approvers: readonly string[];
  /** Approvers who signed so far, in order. */
  readonly signedBy: readonly string[];
  /** The spec hash the signatures so far are over: every further one must sign exactly it. */
  readonly specHash: string | null;
  /** Their spec, exactly as signed (null before the first signature). */
  readonly spec: GrantSpec | null;
}

/** One approver's signature, re-verified offline. */
export interface SignatureCheckDto {
  readonly operatorId: string;
  readonly credentialId: string;
  readonly signedAt: number;
  readonly ok: boolean;
  readonly message: string;
}

/** WebAuthn options as JSON, passed to @simplewebauthn/browser unchanged. */
export type WebAuthnOptionsJson = Readonly<Record<string, unknown>>;

export interface ApprovalChallengeDto {
  readonly requestId: string;
  /** SHA-256 (hex) of the canonical JSON of the spec exactly as shown. */
  readonly specHash: string;
  readonly nonce: string;
  readonly expiresAt: number;
  readonly options: WebAuthnOptionsJson;
}

export interface PasskeyDto {
  readonly id: string;
  readonly label: string;
  readonly transports: readonly string[];
  readonly createdAt: number;
  readonly lastUsedAt: number | null;
}

export interface PasskeyCeremonyDto {
  readonly ceremonyId: string;
  readonly expiresAt: number;
  /** Registration options (enrolment) — absent for removal. */
  readonly registration: WebAuthnOptionsJson | null;
  /** Authentication options: needed when a passkey already exists (adding) and for removal. */
  readonly authentication: WebAuthnOptionsJson | null;
}

export type GrantVerifyProblem =
  | 'no-approval'
  | 'auto-approved'
  | 'spec-changed'
  | 'challenge-mismatch'
  | 'client-data-mismatch'
  | 'passkey-unknown'
  | 'signature-invalid'
  | 'quorum-not-met';

export interface GrantVerifyDto {
  readonly grantId: string;
  readonly ok: boolean;
  readonly method: 'passkey' | 'auto' | null;
  readonly problem: GrantVerifyProblem | null;
  readonly message: string;
  readonly requestId: string | null;
  readonly specHash: string;
  readonly approvedSpecHash: string | null;
  readonly credentialId: string | null;
  readonly approvedAt: number | null;
  /** M of N (team mode): the rule in force for this grant's environment, and each approver's signature. */
  readonly quorum: { readonly required: number; readonly approvers: readonly string[] } | null;
  readonly signatures: readonly SignatureCheckDto[];
}

/** One way a request would let the agent do more than its active grants allow today. */
export interface WideningDto {
  readonly dimension: 'tool' | 'argument' | 'resource' | 'prompt' | 'envelope' | 'expiry';
  /** What it is about: `server__tool`, a resource glob, `server__prompt`. */
  readonly subject: string;
  /** In words, e.g. "pay__charge: the amount constraint on amount is removed (was amount between 0 and 50.00)". */
  readonly text: string;
}
