import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { GrantSpecInput, GrantState } from '../../../src-shared/grant.js';
import { useOperatorClient } from '../../api/client-context.js';
import { queryKeys } from '../../api/query-keys.js';

export function useGrantList(state: GrantState | undefined, agentId: string | undefined) {
  const client = useOperatorClient();
  return useQuery({ queryKey: [...queryKeys.grants, 'list', state ?? 'all', agentId ?? '*'], queryFn: () => client['grants.list']({ ...(state ? { state } : {}), ...(agentId ? { agentId } : {}) }) });
}

export function useGrantPolicy(id: string) {
  const client = useOperatorClient();
  return useQuery({ queryKey: [...queryKeys.grants, 'policy', id], queryFn: () => client['grants.policy']({ id }) });
}

export function useAgents() {
  const client = useOperatorClient();
  return useQuery({ queryKey: queryKeys.identityList({}), queryFn: () => client['identities.list']({}) });
}

function useInvalidateGrants() {
  const queryClient = useQueryClient();
  return () => Promise.all([queryClient.invalidateQueries({ queryKey: queryKeys.grants }), queryClient.invalidateQueries({ queryKey: queryKeys.audit })]);
}

export function useVerifyGrant() {
  const client = useOperatorClient();
  return useMutation({ mutationFn: (id: string) => client['grants.verify']({ id }) });
}

export function useCreateGrant() {
  const client = useOperatorClient();
  const invalidate = useInvalidateGrants();
  return useMutation({ mutationFn: (spec: GrantSpecInput) => client['grants.create']({ spec }), onSettled: invalidate });
}

export function useNarrowGrant() {
  const client = useOperatorClient();
  const invalidate = useInvalidateGrants();
  return useMutation({ mutationFn: ({ id, spec }: { id: string; spec: GrantSpecInput }) => client['grants.narrow']({ id, spec }), onSettled: invalidate });
}

export function useRevokeGrant() {
  const client = useOperatorClient();
  const invalidate = useInvalidateGrants();
  return useMutation({ mutationFn: ({ id, reason }: { id: string; reason?: string }) => client['grants.revoke']({ id, ...(reason ? { reason } : {}) }), onSettled: invalidate });
}
