import type { OperatorInput, OperatorMethod, OperatorOutput } from '../../src-shared/operator-api.js';
import { validateOperatorCall } from '../../src-shared/validate.js';
import type { ControlPlane } from '../app/control-plane.js';
import { CharonError } from '../core/errors.js';

/** The CLI goes through the same contract and validation as the console. */
export async function call<M extends OperatorMethod>(plane: ControlPlane, method: M, input: OperatorInput<M>): Promise<OperatorOutput<M>> {
  const checked = validateOperatorCall(method, input);
  if (!checked.ok) throw new CharonError(checked.error.code, checked.error.message);
  const handler = plane.handlers[method] as (input: unknown) => Promise<OperatorOutput<M>>;
  return handler(checked.value.input);
}
