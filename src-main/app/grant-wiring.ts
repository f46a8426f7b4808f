// Grants and the policy engine, wired: the engine reads an agent's enforceable grants from the
// store, and re-parses that agent's Cedar policies when the grant service changes them (in this
// process) or the store's data version moves (another process, e.g. the CLI, changed them).
// Delegation hops that narrow what they pass on are principals of their own (policy/delegation-principal.ts).
import type { AuditLog } from '../audit/audit-log.js';
import type { Clock } from '../core/clock.js';
import { GrantService } from '../grants/grant-service.js';
import { delegationPolicyGrants } from '../delegation/policy-grants.js';
import { hopIdOfPrincipal } from '../policy/delegation-principal.js';
import { PolicyEngine } from '../policy/policy-engine.js';
import type { ProdApprovalGate } from './prod-approval-gate.js';
import type { Store } from '../store/sqlite-store.js';

export function wireGrants(store: Store, audit: AuditLog, clock: Clock, gate: ProdApprovalGate): { grants: GrantService; policy: PolicyEngine } {
  const grants = new GrantService({ grants: store.grants, identities: store.identities, tx: store, audit, clock });
  const policy = new PolicyEngine({
    loadGrants: (principal) => {
      // A delegation hop's own principal (gateway-backend.ts) evaluates that hop's authority.
      const hopId = hopIdOfPrincipal(principal);
      // A prod grant without a verified passkey approval is not evaluated at all (prod-approval-gate.ts).
      return hopId === null ? grants.activeGrantsFor(principal, clock.now()).filter((g) => gate.admits(g)) : delegationPolicyGrants(store.delegations, hopId);
    },
    dataVersion: store.dataVersion,
  });
  grants.onChange((agentId) => policy.refresh(agentId));
  return { grants, policy };
}
