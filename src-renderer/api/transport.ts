import type { OperatorMethod } from '../../src-shared/operator-api.js';
import type { Result } from '../../src-shared/result.js';

/** Carries one operator call to the main process and brings back its Result; never throws. */
export type Transport = (method: OperatorMethod, input: unknown) => Promise<Result<unknown>>;

export type TransportKind = 'desktop' | 'headless';
