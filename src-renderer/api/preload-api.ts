import type { OperatorInput, OperatorMethod, OperatorOutput } from '../../src-shared/operator-api.js';
import type { Result } from '../../src-shared/result.js';

/** What the desktop preload exposes as `window.charon`: one function per contract method. */
export type CharonPreloadApi = {
  readonly [M in OperatorMethod]: (input: OperatorInput<M>) => Promise<Result<OperatorOutput<M>>>;
};

declare global {
  interface Window {
    /** Present only in the desktop window; absent when the console is served headless. */
    readonly charon?: CharonPreloadApi;
  }
}
