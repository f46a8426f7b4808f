import type { OperatorMethod } from '../../src-shared/operator-api.js';
import type { Result } from '../../src-shared/result.js';

/** Carries one operator call to the main process and brings back its Result; never throws. */
export type Transport = (method: OperatorMethod, input: unknown) => Promise<Result<unknown>>;

/** `team`: the remote console of a team server, signed in with the operator's passkey (a session cookie). */
export type TransportKind = 'desktop' | 'headless' | 'team';
