// Operator inputs for grants and downstream servers (kept apart from schemas.ts, which grant.ts imports).
import { authenticationResponseSchema, ceremonyIdSchema } from './approvals.js';
import { z } from 'zod';
import { grantSpecSchema, serverNameSchema } from './grant.js';
import { serverConfigSchema } from './mcp-servers.js';
import { idSchema, reasonSchema } from './schemas.js';


const grantIdSchema = z.string().regex(/^grt_[A-Za-z0-9_-]{10,64}$/, 'must be a grant id (grt_…)');

export const createGrantInput = z.strictObject({ spec: grantSpecSchema });
export const listGrantsInput = z.strictObject({ agentId: idSchema.optional(), state: z.enum(['ACTIVE', 'REVOKED', 'EXPIRED']).optional() });
export const grantRefInput = z.strictObject({ id: grantIdSchema });
export const narrowGrantInput = z.strictObject({ id: grantIdSchema, spec: grantSpecSchema });
export const revokeGrantInput = z.strictObject({ id: grantIdSchema, reason: reasonSchema });

/** `ceremonyId` and `assertion`: a fresh passkey assertion over exactly this server, when it launches a process and a passkey is enrolled. */
export const setServerInput = z.strictObject({ name: serverNameSchema, config: serverConfigSchema, ceremonyId: ceremonyIdSchema.optional(), assertion: authenticationResponseSchema.optional() });
export const setServerBeginInput = z.strictObject({ name: serverNameSchema, config: serverConfigSchema });
export const serverRefInput = z.strictObject({ name: serverNameSchema });
export const importServersInput = z.strictObject({ path: z.string().min(1).max(4096), overwrite: z.boolean().default(false), ceremonyId: ceremonyIdSchema.optional(), assertion: authenticationResponseSchema.optional() });
export const importServersBeginInput = z.strictObject({ path: z.string().min(1).max(4096), overwrite: z.boolean().default(false) });

/** A call as an agent would make it, decided against its grants without being recorded or forwarded. */
export const tryCallInput = z.strictObject({
  agentId: idSchema,
  /** `server__tool`, as /mcp names it. */
  tool: z.string().min(3).max(300),
  arguments: z.record(z.string(), z.unknown()).default({}),
});
