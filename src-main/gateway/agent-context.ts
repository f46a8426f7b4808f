import type { Environment } from '../../src-shared/domain.js';

/** Who is calling, established afresh on every HTTP request to the gateway. */
export interface AgentContext {
  readonly agentId: string;
  readonly spiffeId: string;
  readonly jti: string;
  readonly scope: string;
  readonly environment: Environment;
  readonly dpopJkt: string | null;
  /** Epoch milliseconds. */
  readonly expiresAt: number;
}
