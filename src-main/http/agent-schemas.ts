import { z } from 'zod';
import { idSchema, scopeTokenSchema, selectorSchema } from '../../src-shared/schemas.js';
import { CharonError } from '../core/errors.js';

export const joinTokenAttestBody = z.strictObject({
  agent_id: idSchema,
  token: z.string().min(1).max(256),
  selectors: z.array(selectorSchema).max(32).optional(),
});

export const k8sAttestBody = z.strictObject({ agent_id: idSchema, token: z.string().min(1).max(16_384) });

export const issueBody = z.strictObject({
  audience: z.string().min(1).max(512).optional(),
  scope: z.string().max(4096).optional(),
  ttl_seconds: z.number().int().positive().max(86_400).optional(),
});

export const scopeTokens = (scope: string | undefined): string[] | undefined => {
  if (scope === undefined) return undefined;
  const tokens = scope.split(' ').filter(Boolean);
  for (const t of tokens) if (!scopeTokenSchema.safeParse(t).success) throw new CharonError('ERR_INVALID_INPUT', 'scope: invalid scope token');
  return tokens;
};

export function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CharonError('ERR_INVALID_INPUT', `${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}
