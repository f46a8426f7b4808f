// Delegation chains for tests: the owner authorizes an agent (the root), then each hop is a real
// RFC 8693 exchange over HTTP at /v1/token, made by the holder of the parent with its DPoP key.
import { DelegatedToken, type DelegateOptions } from '../agent-client/delegated-token.js';
import type { OperatorParsedInput } from '../../src-shared/operator-api.js';
import type { GatewayHarness, TestAgent } from './gateway-harness.js';

export { DelegatedToken };

/** A token in a chain, held by `agent` (bound to its key). */
export interface Held {
  readonly agent: TestAgent;
  readonly token: DelegatedToken;
  readonly delegationId: string;
}

/** The owner (alice) authorizes `agent`: the root of a chain, bound to the agent's key. */
export async function authorizeRoot(h: GatewayHarness, agent: TestAgent, input: Partial<OperatorParsedInput<'delegation.authorize'>> = {}): Promise<Held> {
  await agent.token();
  const issued = await h.plane.handlers['delegation.authorize']({ ownerId: 'alice', agentId: agent.id, ...input });
  return { agent, token: holding(h, issued.token, agent), delegationId: issued.delegation.id };
}

/** `from` hands a slice of its token to `to` (whose own credential is the actor token). */
export async function delegateTo(h: GatewayHarness, from: Held, to: TestAgent, options: DelegateOptions = {}): Promise<Held> {
  const answer = await from.token.delegate(await to.token(), options);
  return { agent: to, token: holding(h, answer.access_token, to), delegationId: answer.delegation_id };
}

/** `token` as `agent` would present it: with its key. */
export function holding(h: GatewayHarness, token: string, agent: TestAgent): DelegatedToken {
  return new DelegatedToken({ url: h.url, token, ...(agent.key ? { dpopKey: agent.key } : {}), now: () => h.clock.now() });
}

/** The refusal of a token exchange: its HTTP status, RFC 6749 error and Charon code. */
export async function exchangeRefusal(call: Promise<unknown>): Promise<{ status: number; error: string; code: string }> {
  try {
    await call;
  } catch (error) {
    const e = error as { status?: number; error?: string; code?: string };
    return { status: e.status ?? -1, error: e.error ?? '', code: e.code ?? String(error) };
  }
  throw new Error('expected the exchange to be refused, but it succeeded');
}
