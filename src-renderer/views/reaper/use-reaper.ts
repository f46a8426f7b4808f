import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { OperatorInput } from '../../../src-shared/operator-api.js';
import { useOperatorClient } from '../../api/client-context.js';
import { queryKeys } from '../../api/query-keys.js';

/** What a run would do now; pushed lifecycle and grant records refresh it. */
export function useReaperPreview() {
  const client = useOperatorClient();
  return useQuery({ queryKey: queryKeys.reaper, queryFn: () => client['reaper.preview']({}) });
}

export function useReaperRun() {
  const client = useOperatorClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: OperatorInput<'reaper.run'>) => client['reaper.run'](input),
    onSettled: () =>
      Promise.all([queryKeys.reaper, queryKeys.identities, queryKeys.grants, queryKeys.status, queryKeys.credentials].map((queryKey) => queryClient.invalidateQueries({ queryKey }))),
  });
}
