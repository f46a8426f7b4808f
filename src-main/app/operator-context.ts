// Who an operator call is made by: the desktop's owner (the console over IPC, the loopback
// bridge, the CLI on the data directory) or a team operator signed in to the remote console. The
// actor goes into every audit record the call writes; the signer decides whose passkeys answer.
import { DESKTOP_SIGNER, type Signer } from '../approvals/passkeys.js';

export interface OperatorContext {
  /** The audit chain's actor: `operator` for the desktop's owner, `operator:<id>` for a team operator. */
  readonly actor: string;
  readonly signer: Signer;
}

/** The operator actor in the audit chain (the console or the CLI, on the owner's behalf). */
export const OPERATOR = 'operator';

export const LOCAL_OPERATOR: OperatorContext = { actor: OPERATOR, signer: DESKTOP_SIGNER };
