import type { DelegationRepository } from '../core/delegation-ports.js';
import { delegationPrincipal } from '../policy/delegation-principal.js';
import type { PolicyGrant } from '../policy/compile-grant.js';
import { authoritySpec } from './attenuation.js';

/** A narrowing hop's authority as the one grant of its own principal (none once it is revoked). */
export function delegationPolicyGrants(delegations: DelegationRepository, hopId: string): PolicyGrant[] {
  const hop = delegations.get(hopId);
  if (!hop || hop.state !== 'ACTIVE' || hop.authority === null) return [];
  return [{ id: hop.id, spec: authoritySpec(delegationPrincipal(hop.id), hop.environment, hop.authority, hop.expiresAt) }];
}
