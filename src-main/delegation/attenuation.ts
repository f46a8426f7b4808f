// What a hop may receive from its parent (DESIGN.md §5, invariant 6): authority only narrows.
// The same checks run when a hop is issued and again when its token is verified.
import { ACR_LEVELS, type Acr, type DelegatedAuthority } from '../../src-shared/delegation.js';
import type { Environment } from '../../src-shared/domain.js';
import type { ErrorCode } from '../../src-shared/errors.js';
import type { GrantSpec } from '../../src-shared/grant.js';
import { isNarrowerOrEqual } from '../core/grant-attenuation.js';
import { isScopeSubset, parseScope } from '../core/scope.js';

/** The terms of a hop that its children must stay within. */
export interface HopTerms {
  readonly scope: string;
  readonly environment: Environment;
  readonly expiresAt: number;
  readonly acr: Acr;
}

export type Refusal = { readonly code: ErrorCode; readonly message: string };

/** Rank of an assurance level (higher is stronger); an unknown value ranks below all. */
export const acrRank = (acr: string | null): number => ACR_LEVELS.indexOf(acr as Acr);

/** The first way `child` exceeds `parent`, or null when it stays within. */
export function hopTermsRefusal(child: HopTerms, parent: HopTerms): Refusal | null {
  if (child.environment !== parent.environment) return { code: 'ERR_DELEGATION_WIDENS', message: `environment ${child.environment} differs from the parent's ${parent.environment}` };
  const extra = parseScope(child.scope).filter((s) => !isScopeSubset([s], parseScope(parent.scope)));
  if (extra.length > 0) return { code: 'ERR_DELEGATION_WIDENS', message: `scope ${extra.join(' ')} is not in the parent's scope` };
  if (child.expiresAt > parent.expiresAt) return { code: 'ERR_DELEGATION_LIFETIME_EXCEEDED', message: `the lifetime ends after the parent's (${new Date(parent.expiresAt).toISOString()})` };
  if (acrRank(child.acr) < 0 || acrRank(child.acr) > acrRank(parent.acr)) return { code: 'ERR_DELEGATION_ASSURANCE_RAISED', message: `assurance ${child.acr} is above the parent's ${parent.acr}` };
  return null;
}

/** A hop's authority as a grant spec, so the grant attenuation rules (and Cedar) apply to it. */
export function authoritySpec(agentId: string, environment: Environment, authority: DelegatedAuthority, expiresAt: number | null): GrantSpec {
  return { agentId, environment, servers: authority.servers, envelope: authority.envelope, expiresAt };
}

/**
 * Whether `child` allows nothing its parent's authority does not: `parents` is the nearest
 * narrowing above it, or (none in the chain) the root agent's grants, any one of which may cover it.
 */
export function authorityRefusal(child: DelegatedAuthority, environment: Environment, parents: readonly GrantSpec[]): Refusal | null {
  const spec = (s: { servers: GrantSpec['servers']; envelope: GrantSpec['envelope'] }): GrantSpec => authoritySpec('-', environment, s, null);
  const reasons: string[] = [];
  for (const parent of parents) {
    if (parent.environment !== environment) continue;
    const result = isNarrowerOrEqual(spec(child), spec(parent));
    if (result.ok) return null;
    reasons.push(result.reason);
  }
  return { code: 'ERR_DELEGATION_WIDENS', message: reasons.length > 0 ? `the authority is wider than the parent's: ${reasons.join('; ')}` : 'the parent holds no authority to narrow' };
}
