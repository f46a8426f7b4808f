import type { OperatorInput, OperatorMethod, OperatorOutput } from '../../src-shared/operator-api.js';
import type { Result } from '../../src-shared/result.js';

/** What the preload exposes as `window.charon`; the renderer declares the same shape from the contract. */
export type CharonPreloadApi = {
  readonly [M in OperatorMethod]: (input: OperatorInput<M>) => Promise<Result<OperatorOutput<M>>>;
};
