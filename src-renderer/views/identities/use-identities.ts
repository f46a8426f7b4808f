import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { OperatorInput } from '../../../src-shared/operator-api.js';
import { useOperatorClient } from '../../api/client-context.js';
import { queryKeys } from '../../api/query-keys.js';

export type IdentityFilter = OperatorInput<'identities.list'>;

export function useIdentityList(filter: IdentityFilter) {
  const client = useOperatorClient();
  return useQuery({ queryKey: queryKeys.identityList(filter), queryFn: () => client['identities.list'](filter) });
}

/** Live credentials of every agent, for the TTL bars; pushed credential and identity records refresh it. */
export function useLiveCredentials() {
  const client = useOperatorClient();
  return useQuery({ queryKey: [...queryKeys.credentials, 'live'], queryFn: () => client['credentials.list']({ liveOnly: true }) });
}

/** Every identity change also moves the status counts and appends to the audit log. */
function useInvalidateAfterChange() {
  const queryClient = useQueryClient();
  return () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: queryKeys.identities }),
      queryClient.invalidateQueries({ queryKey: queryKeys.status }),
      queryClient.invalidateQueries({ queryKey: queryKeys.credentials }),
    ]);
}

export function useRegisterIdentity() {
  const client = useOperatorClient();
  const invalidate = useInvalidateAfterChange();
  return useMutation({ mutationFn: (input: OperatorInput<'identities.register'>) => client['identities.register'](input), onSettled: invalidate });
}

export function useTransitionIdentity() {
  const client = useOperatorClient();
  const invalidate = useInvalidateAfterChange();
  return useMutation({ mutationFn: (input: OperatorInput<'identities.transition'>) => client['identities.transition'](input), onSettled: invalidate });
}

export function useRevokeIdentity() {
  const client = useOperatorClient();
  const invalidate = useInvalidateAfterChange();
  return useMutation({ mutationFn: (input: OperatorInput<'identities.revoke'>) => client['identities.revoke'](input), onSettled: invalidate });
}

export function useKillIdentity() {
  const client = useOperatorClient();
  const invalidate = useInvalidateAfterChange();
  return useMutation({ mutationFn: (input: OperatorInput<'identities.kill'>) => client['identities.kill'](input), onSettled: invalidate });
}

export function useRevokeCredential() {
  const client = useOperatorClient();
  const invalidate = useInvalidateAfterChange();
  return useMutation({ mutationFn: (input: OperatorInput<'credentials.revoke'>) => client['credentials.revoke'](input), onSettled: invalidate });
}

export function useRotateCredential() {
  const client = useOperatorClient();
  const invalidate = useInvalidateAfterChange();
  // The new token lives only in this mutation until its dialog closes; it is never cached.
  return useMutation({ mutationFn: (input: OperatorInput<'credentials.rotate'>) => client['credentials.rotate'](input), onSettled: invalidate });
}

export function useCreateJoinToken() {
  const client = useOperatorClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: OperatorInput<'joinTokens.create'>) => client['joinTokens.create'](input),
    // The token itself is never cached: it lives only in this mutation until the dialog closes.
    onSettled: () => queryClient.invalidateQueries({ queryKey: queryKeys.identities }),
  });
}
