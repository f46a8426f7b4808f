import type { Environment, LifecycleState } from '../../../src-shared/domain.js';
import type { CredentialDto, IdentityDto } from '../../../src-shared/dto.js';

export const SORT_KEYS = ['id', 'state', 'environment', 'owner', 'lastSeenAt', 'credentials'] as const;
export type SortKey = (typeof SORT_KEYS)[number];

export interface InventoryQuery {
  /** Part of the id, display name, SPIFFE id or owner, any case. */
  readonly search: string;
  readonly state: LifecycleState | '';
  readonly environment: Environment | '';
  readonly sort: SortKey;
  readonly descending: boolean;
}

export const DEFAULT_QUERY: InventoryQuery = { search: '', state: '', environment: '', sort: 'id', descending: false };

/** Live credentials per agent id, soonest expiry first. */
export function liveCredentialsByAgent(credentials: readonly CredentialDto[], now: number): Map<string, CredentialDto[]> {
  const byAgent = new Map<string, CredentialDto[]>();
  for (const credential of credentials) {
    if (credential.state !== 'ACTIVE' || credential.expiresAt <= now) continue;
    const list = byAgent.get(credential.agentId) ?? [];
    list.push(credential);
    byAgent.set(credential.agentId, list);
  }
  for (const list of byAgent.values()) list.sort((a, b) => a.expiresAt - b.expiresAt);
  return byAgent;
}

const STATE_ORDER: Readonly<Record<LifecycleState, number>> = { ACTIVE: 0, IDLE: 1, PROVISIONED: 2, REVOKED: 3, DECOMMISSIONED: 4 };

/** The identities to show, filtered and sorted; ties break on id so the order is stable. */
export function queryInventory(identities: readonly IdentityDto[], credentialCount: (id: string) => number, query: InventoryQuery): IdentityDto[] {
  const search = query.search.trim().toLowerCase();
  const shown = identities.filter(
    (i) =>
      (!query.state || i.state === query.state) &&
      (!query.environment || i.environment === query.environment) &&
      (!search || [i.id, i.displayName, i.spiffeId, i.owner].some((field) => field.toLowerCase().includes(search))),
  );
  const key = (i: IdentityDto): number | string => {
    switch (query.sort) {
      case 'state':
        return STATE_ORDER[i.state];
      case 'lastSeenAt':
        return i.lastSeenAt ?? -1;
      case 'credentials':
        return credentialCount(i.id);
      default:
        return i[query.sort];
    }
  };
  const direction = query.descending ? -1 : 1;
  return shown.sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    if (ka < kb) return -direction;
    if (ka > kb) return direction;
    return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  });
}
