// Runtime validation of untrusted input, shared by IPC, the bridge and the agent listener.
import { z } from 'zod';
import { ENVIRONMENTS, LIFECYCLE_STATES } from './domain.js';

/** An id that is also a single SPIFFE path segment: lowercase, no dots-only names. */
export const idSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]{0,62}$/, 'must be 1-63 characters of a-z, 0-9, ".", "_" or "-", starting with a letter or digit');

/** `type:value`, e.g. `k8s:ns:payments` or `unix:uid:1000`. */
export const selectorSchema = z
  .string()
  .max(256)
  .regex(/^[a-z0-9_-]{1,32}:[\x21-\x7E]{1,223}$/, 'must be "type:value" with printable ASCII and no spaces');

/** RFC 6749 §3.3 scope-token. */
export const scopeTokenSchema = z
  .string()
  .max(256)
  .regex(/^[\x21\x23-\x5B\x5D-\x7E]+$/, 'must be an RFC 6749 scope token');

export const environmentSchema = z.enum(ENVIRONMENTS);
export const lifecycleStateSchema = z.enum(LIFECYCLE_STATES);

export const reasonSchema = z.string().max(500).optional();
const ttlSchema = z.number().int().positive().max(30 * 24 * 3600).optional();
const compactJwtSchema = z.string().min(1).max(16_384);

export const registerIdentityInput = z.strictObject({
  id: idSchema,
  owner: idSchema,
  environment: environmentSchema,
  displayName: z.string().max(120).optional(),
  selectors: z.array(selectorSchema).max(32).default([]),
  scopes: z.array(scopeTokenSchema).max(128).default([]),
});

export const listIdentitiesInput = z.strictObject({
  state: lifecycleStateSchema.optional(),
  environment: environmentSchema.optional(),
  owner: idSchema.optional(),
});

export const identityRefInput = z.strictObject({ id: idSchema });

export const transitionInput = z.strictObject({ id: idSchema, to: lifecycleStateSchema, reason: reasonSchema });

export const revokeIdentityInput = z.strictObject({ id: idSchema, reason: reasonSchema });

export const createJoinTokenInput = z.strictObject({
  agentId: idSchema,
  /** Selectors the redeeming agent must present; defaults to the identity's own. */
  selectors: z.array(selectorSchema).max(32).optional(),
  ttlSeconds: z.number().int().positive().max(7 * 24 * 3600).optional(),
});

export const issueCredentialInput = z.strictObject({
  agentId: idSchema,
  audience: z.string().min(1).max(512).optional(),
  scope: z.array(scopeTokenSchema).max(128).optional(),
  ttlSeconds: ttlSchema,
});

export const listCredentialsInput = z.strictObject({ agentId: idSchema.optional(), liveOnly: z.boolean().optional() });

export const revokeCredentialInput = z.strictObject({ jti: z.string().min(1).max(128), reason: reasonSchema });

/** Replace a live credential by a new one with the same audience, scope and key binding. */
export const rotateCredentialInput = z.strictObject({ jti: z.string().min(1).max(128) });

export const tokenInput = z.strictObject({ token: compactJwtSchema });

export const verifyTokenInput = z.strictObject({ token: compactJwtSchema, audience: z.string().min(1).max(512).optional() });

export const listAuditInput = z.strictObject({
  afterSeq: z.number().int().nonnegative().optional(),
  beforeSeq: z.number().int().positive().optional(),
  limit: z.number().int().positive().max(5000).default(200),
  kind: z.string().max(64).optional(),
  subject: z.string().max(512).optional(),
  /** Who acted: an agent's SPIFFE id (its calls), `operator`, `reaper`… */
  actor: z.string().max(512).optional(),
});

export const emptyInput = z.strictObject({});

export const rotateKeysInput = z.strictObject({ reason: reasonSchema });

