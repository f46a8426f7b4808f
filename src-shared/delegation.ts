// Delegation (RFC 8693 token exchange) over the operator contract: the hops of a chain, the
// graph the console draws, and the inputs. A chain starts with a human owner authorizing an
// agent; every further hop is an agent handing a narrower slice to another agent. Times are
// epoch milliseconds.
import { z } from 'zod';
import type { Environment, LifecycleState } from './domain.js';
import { authenticationResponseSchema, ceremonyIdSchema } from './approvals.js';
import { envelopeSchema, serverGrantSchema, serverNameSchema } from './grant.js';
import type { OwnerState } from './reaper.js';
import { idSchema, reasonSchema, scopeTokenSchema } from './schemas.js';

export const DELEGATION_STATES = ['ACTIVE', 'REVOKED'] as const;
export type DelegationState = (typeof DELEGATION_STATES)[number];

/**
 * Authentication assurance of the human at the root, lowest first: an operator-channel
 * session, a passkey, a passkey with user verification. A hop may keep or lower it, never raise it.
 */
export const ACR_LEVELS = ['urn:charon:acr:operator', 'urn:charon:acr:passkey', 'urn:charon:acr:passkey-uv'] as const;
export type Acr = (typeof ACR_LEVELS)[number];
export const acrSchema = z.enum(ACR_LEVELS);

/**
 * What a hop may do, narrowing what it received: the servers, tools, argument constraints and
 * envelope of a grant. Absent on a hop, the hop passes on its parent's authority unchanged
 * (at the root: the agent's own grants).
 */
export const delegatedAuthoritySchema = z.strictObject({
  servers: z.record(serverNameSchema, serverGrantSchema),
  envelope: envelopeSchema.default({}),
});
export type DelegatedAuthority = z.infer<typeof delegatedAuthoritySchema>;

/** One hop of a chain: `delegator` handed `agentId` the token `jti`. */
export interface DelegationDto {
  readonly id: string;
  /** The hop this one narrows; null at the root (owner → agent). */
  readonly parentId: string | null;
  readonly rootId: string;
  /** Hop ids from the root to this one (this one last). */
  readonly path: readonly string[];
  /** 1 for the owner's own authorization. */
  readonly depth: number;
  readonly ownerId: string;
  /** SPIFFE id of who delegated: the owner (`…/owner/<id>`) at the root, else an agent. */
  readonly delegator: string;
  /** The agent acting with this hop's token (the outermost `act.sub`). */
  readonly agentId: string;
  readonly jti: string;
  readonly audience: string;
  /** Space-separated scope tokens. */
  readonly scope: string;
  readonly environment: Environment;
  readonly authority: DelegatedAuthority | null;
  readonly acr: Acr;
  readonly amr: readonly string[];
  readonly dpopJkt: string | null;
  readonly issuedAt: number;
  readonly expiresAt: number;
  readonly state: DelegationState;
  readonly revokedAt: number | null;
  readonly reason: string | null;
}

export interface DelegationGraphNode {
  /** The SPIFFE id (`…/owner/<id>` or `…/agent/<id>`). */
  readonly id: string;
  readonly kind: 'owner' | 'agent';
  /** The owner or agent id. */
  readonly label: string;
  /** Lifecycle state of an agent, state of an owner (an owner without a record is ACTIVE). */
  readonly state: LifecycleState | OwnerState;
}

export interface DelegationGraphEdge {
  /** The hop id. */
  readonly id: string;
  /** Node id of the delegator. */
  readonly source: string;
  /** Node id of the agent that received the authority. */
  readonly target: string;
  readonly parentId: string | null;
  readonly depth: number;
  readonly scope: string;
  readonly acr: Acr;
  readonly expiresAt: number;
  /** EXPIRED when past `expiresAt` while stored ACTIVE. */
  readonly state: DelegationState | 'EXPIRED';
  /** Whether this hop narrows servers/tools/constraints/envelope (else it passes its parent's on). */
  readonly narrowed: boolean;
}

/** `delegation.graph`: who delegated to whom, for the console's graph view. */
export interface DelegationGraphDto {
  readonly nodes: readonly DelegationGraphNode[];
  readonly edges: readonly DelegationGraphEdge[];
}

/** `delegation.trace`: a credential traced back to the human, root hop first. */
export interface DelegationTraceDto {
  /** SPIFFE id of the owner (the token's `sub`). */
  readonly subject: string;
  readonly ownerId: string;
  /** The agent using the token (the outermost actor). */
  readonly actor: string;
  readonly jti: string;
  readonly hops: readonly DelegationDto[];
}

export const delegationGraphInput = z.strictObject({
  ownerId: idSchema.optional(),
  /** Hops whose chain passes through this agent. */
  agentId: idSchema.optional(),
  /** Only hops that are ACTIVE and unexpired. */
  liveOnly: z.boolean().optional(),
});

export const delegationAuthorizeInput = z.strictObject({
  ownerId: idSchema,
  agentId: idSchema,
  /** At most the agent's own scopes; default all of them. */
  scope: z.array(scopeTokenSchema).max(128).optional(),
  /** A narrowing of the agent's grants; default the grants as they are. */
  authority: delegatedAuthoritySchema.optional(),
  audience: z.string().min(1).max(512).optional(),
  ttlSeconds: z
    .number()
    .int()
    .positive()
    .max(30 * 24 * 3600)
    .optional(),
  /** The agent's DPoP key thumbprint; default the key of its newest live bound credential. */
  dpopJkt: z
    .string()
    .regex(/^[A-Za-z0-9_-]{43}$/, 'must be a base64url SHA-256 JWK thumbprint')
    .optional(),
  /**
   * A fresh passkey assertion (user verified) over a ceremony from `delegation.authorizeBegin`:
   * the chain then carries acr `urn:charon:acr:passkey-uv`; without one, `urn:charon:acr:operator`.
   */
  ceremonyId: ceremonyIdSchema.optional(),
  assertion: authenticationResponseSchema.optional(),
});

export const delegationTraceInput = z.strictObject({ token: z.string().min(1).max(16_384) });

const hopIdSchema = z.string().regex(/^dlg_[0-9a-f]{32}$/, 'must be a delegation id (dlg_…)');

export const delegationRefInput = z.strictObject({ id: hopIdSchema });

export const delegationRevokeInput = z.strictObject({ id: hopIdSchema, reason: reasonSchema });

/** `delegation.authorize`: the root token, for the owner to hand to the agent. */
export interface DelegationIssuedDto {
  readonly token: string;
  readonly delegation: DelegationDto;
}
