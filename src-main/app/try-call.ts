// "Try a call": what the gateway's policy would decide for a call an agent might make, and why,
// in the same words the agent would read. The arguments are normalized exactly as for a real
// call (paths resolved on this machine); nothing is recorded, forwarded or spent, so envelope
// limits (rate, windows, caps, uses) are named but not checked.
import type { OperatorOutputs } from '../../src-shared/operator-api.js';
import type { Clock } from '../core/clock.js';
import { CharonError } from '../core/errors.js';
import { splitToolName } from '../core/grant-validation.js';
import type { IdentityRepository } from '../core/ports.js';
import { normalizeConstrainedArgs } from '../gateway/constrained-args.js';
import { explainToolDenial } from '../policy/explain-denial.js';
import type { PolicyEngine } from '../policy/policy-engine.js';

export interface TryCallDeps {
  readonly policy: Pick<PolicyEngine, 'decide' | 'constrainedArgsFor' | 'grantsOf'>;
  readonly identities: Pick<IdentityRepository, 'get'>;
  readonly clock: Clock;
}

export async function tryCall(d: TryCallDeps, input: { agentId: string; tool: string; arguments: Record<string, unknown> }): Promise<OperatorOutputs['grants.tryCall']> {
  const identity = d.identities.get(input.agentId);
  if (!identity) throw new CharonError('ERR_IDENTITY_NOT_FOUND', `No identity ${input.agentId}`);
  const [server, tool] = splitToolName(input.tool);
  if (!server || !tool) throw new CharonError('ERR_INVALID_INPUT', 'tool must be server__tool, as /mcp names it');
  const now = d.clock.now();
  let normalized;
  try {
    normalized = await normalizeConstrainedArgs(input.arguments, d.policy.constrainedArgsFor(input.agentId, server, tool));
  } catch (error) {
    if (!(error instanceof CharonError)) throw error;
    return { allow: false, code: error.code, message: error.message, grantIds: [] };
  }
  const decision = d.policy.decide({ agentId: input.agentId, environment: identity.environment, action: 'tools/call', resourceName: input.tool, args: normalized.context, now });
  if (decision.allow) {
    return { allow: true, code: null, message: `Allowed by ${decision.grantIds.join(', ')}, within the grant's limits (rate, time windows, caps and uses are checked on the real call)`, grantIds: decision.grantIds };
  }
  const why = explainToolDenial({ grants: d.policy.grantsOf(input.agentId), environment: identity.environment, now, server, tool, args: normalized.context });
  return { allow: false, code: 'ERR_TOOL_NOT_ALLOWED', message: `Not allowed: ${why ?? decision.reason}`, grantIds: [] };
}
