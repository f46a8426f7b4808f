import type { ErrorPayload } from './errors.js';
import { isOperatorMethod, operatorInputs, type OperatorMethod, type OperatorParsedInput } from './operator-api.js';

export type Validated<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: ErrorPayload };

/** Validates an operator call's method and payload; never throws on bad input. */
export function validateOperatorCall(
  method: unknown,
  payload: unknown,
): Validated<{ method: OperatorMethod; input: OperatorParsedInput<OperatorMethod> }> {
  if (!isOperatorMethod(method)) {
    return { ok: false, error: { code: 'ERR_NOT_FOUND', message: `Unknown operator method ${JSON.stringify(String(method)).slice(0, 80)}` } };
  }
  const parsed = operatorInputs[method].safeParse(payload ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
    return { ok: false, error: { code: 'ERR_INVALID_INPUT', message: `${method}: ${where}${issue?.message ?? 'invalid input'}` } };
  }
  return { ok: true, value: { method, input: parsed.data as OperatorParsedInput<OperatorMethod> } };
}
