import { useQuery } from '@tanstack/react-query';
import { useOperatorClient } from '../../api/client-context.js';
import { queryKeys } from '../../api/query-keys.js';

export function useStatus() {
  const client = useOperatorClient();
  return useQuery({ queryKey: queryKeys.status, queryFn: () => client['status.get']({}) });
}
