import { useQuery } from '@tanstack/react-query';
import { useOperatorClient } from '../../api/client-context.js';
import { queryKeys } from '../../api/query-keys.js';

/**
 * The whole-chain verdict. Pushed records refresh it (at most every 5 s, live/LiveEvents.tsx); a
 * change made behind the control plane's back pushes nothing, hence the slow re-check as well.
 */
export function useAuditVerify() {
  const client = useOperatorClient();
  return useQuery({ queryKey: queryKeys.auditVerify, queryFn: () => client['audit.verify']({}), refetchInterval: 30_000 });
}
