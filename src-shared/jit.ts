// Just-in-time consent over the operator contract: which agents get their refused calls held
// while a grant request for the tool waits in the owner's inbox.
import { z } from 'zod';
import { idSchema } from './schemas.js';

export const jitSetInput = z.strictObject({ agentId: idSchema, enabled: z.boolean() });

export interface JitSettingDto {
  readonly agentId: string;
  readonly enabled: boolean;
  /** How long a refused call is held for the owner's approval (the `jit.holdSeconds` setting). */
  readonly holdSeconds: number;
}
