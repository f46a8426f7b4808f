// DESIGN invariant 12: a prod grant is enforced only with a verifiable passkey approval. The
// policy engine loads an agent's grants synchronously, but re-verifying a WebAuthn assertion is
// asynchronous, so verified grants are remembered (by id and the exact spec) and an unknown one
// is left out until its verification succeeds. A grant row written behind Charon's back, or
// edited, never verifies: it does nothing.
import type { GrantRecord } from '../core/records.js';
import { canonicalJson } from '../core/canonical-json.js';
import { createHash } from 'node:crypto';

const specKey = (grant: Pick<GrantRecord, 'spec'>): string => createHash('sha256').update(canonicalJson(grant.spec)).digest('hex');

export class ProdApprovalGate {
  readonly #verified = new Map<string, string>();
  readonly #checking = new Set<string>();
  #verify: (grantId: string) => Promise<boolean> = async () => false;
  #onVerified: (agentId: string) => void = () => undefined;

  /** Wired once approvals and the policy engine exist (they are built after the gate). */
  connect(verify: (grantId: string) => Promise<boolean>, onVerified: (agentId: string) => void): void {
    this.#verify = verify;
    this.#onVerified = onVerified;
  }

  /** Whether the policy engine may evaluate this grant now. */
  admits(grant: GrantRecord): boolean {
    if (grant.spec.environment !== 'prod') return true;
    if (this.#verified.get(grant.id) === specKey(grant)) return true;
    void this.#check(grant);
    return false;
  }

  /** A prod grant this process just created from an assertion it verified itself (approvals.complete). */
  trust(grant: Pick<GrantRecord, 'id' | 'spec'>): void {
    this.#verified.set(grant.id, specKey(grant));
  }

  /** Verifies these grants now (at start-up), so the first call after a restart is not refused. */
  async prime(grants: readonly GrantRecord[]): Promise<void> {
    await Promise.all(grants.filter((g) => g.spec.environment === 'prod').map((g) => this.#check(g)));
  }

  async #check(grant: GrantRecord): Promise<void> {
    const key = `${grant.id}:${specKey(grant)}`;
    if (this.#checking.has(key)) return;
    this.#checking.add(key);
    try {
      if (await this.#verify(grant.id).catch(() => false)) {
        this.#verified.set(grant.id, specKey(grant));
        this.#onVerified(grant.agentId);
      }
    } finally {
      this.#checking.delete(key);
    }
  }
}
