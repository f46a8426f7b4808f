import type { OperatorInput } from '../../src-shared/operator-api.js';

// One place for cache keys, so mutations invalidate exactly what they change.
export const queryKeys = {
  status: ['status'] as const,
  identities: ['identities'] as const,
  identityList: (filter: OperatorInput<'identities.list'>) => ['identities', 'list', filter] as const,
  audit: ['audit'] as const,
  auditList: (filter: Omit<OperatorInput<'audit.list'>, 'beforeSeq' | 'afterSeq'>) => ['audit', 'list', filter] as const,
  auditVerify: ['audit', 'verify'] as const,
};
