import type { OperatorInput } from '../../src-shared/operator-api.js';

// One place for cache keys, so mutations and pushed events invalidate exactly what they change.
export const queryKeys = {
  status: ['status'] as const,
  identities: ['identities'] as const,
  identityList: (filter: OperatorInput<'identities.list'>) => ['identities', 'list', filter] as const,
  credentials: ['credentials'] as const,
  audit: ['audit'] as const,
  auditList: (filter: Omit<OperatorInput<'audit.list'>, 'beforeSeq' | 'afterSeq'>) => ['audit', 'list', filter] as const,
  auditVerify: ['audit', 'verify'] as const,
  approvals: ['approvals'] as const,
  passkeys: ['passkeys'] as const,
  grants: ['grants'] as const,
  servers: ['servers'] as const,
  gateway: ['gateway'] as const,
  keys: ['keys'] as const,
  reaper: ['reaper'] as const,
  owners: ['owners'] as const,
  operators: ['operators'] as const,
  delegation: ['delegation'] as const,
};
