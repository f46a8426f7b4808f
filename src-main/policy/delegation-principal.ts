// A delegation hop that narrows what it passes on is evaluated as a policy set of its own, under
// a principal no agent can be named (agent ids never contain ":"). See gateway-backend.ts.
export const DELEGATION_PRINCIPAL_PREFIX = 'delegation:';

export const delegationPrincipal = (hopId: string): string => `${DELEGATION_PRINCIPAL_PREFIX}${hopId}`;

/** The hop id of a delegation principal, or null for an agent id. */
export const hopIdOfPrincipal = (principal: string): string | null => (principal.startsWith(DELEGATION_PRINCIPAL_PREFIX) ? principal.slice(DELEGATION_PRINCIPAL_PREFIX.length) : null);
