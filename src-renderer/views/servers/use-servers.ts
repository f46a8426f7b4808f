import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ServerConfigInput } from '../../../src-shared/mcp-servers.js';
import { useOperatorClient } from '../../api/client-context.js';
import { passkeyAssertion } from '../../api/passkey-assertion.js';
import { queryKeys } from '../../api/query-keys.js';

export function useServers() {
  const client = useOperatorClient();
  return useQuery({ queryKey: queryKeys.servers, queryFn: () => client['servers.list']({}) });
}

/** A server's tools; asking starts the server if it is not running. */
export function useServerTools(name: string, enabled: boolean) {
  const client = useOperatorClient();
  return useQuery({ queryKey: [...queryKeys.servers, 'tools', name], queryFn: () => client['servers.tools']({ name }), enabled, staleTime: 30_000 });
}

export function useClientConfigs(enabled: boolean) {
  const client = useOperatorClient();
  return useQuery({ queryKey: [...queryKeys.servers, 'discover'], queryFn: () => client['servers.discover']({}), enabled });
}

function useInvalidateServers() {
  const queryClient = useQueryClient();
  return () => Promise.all([queryClient.invalidateQueries({ queryKey: queryKeys.servers }), queryClient.invalidateQueries({ queryKey: queryKeys.audit })]);
}

/** Adds or replaces servers one by one; a launched program is approved with the passkey, each over exactly its config. */
export function useSetServers() {
  const client = useOperatorClient();
  const invalidate = useInvalidateServers();
  return useMutation({
    mutationFn: async (servers: readonly { name: string; config: ServerConfigInput }[]) => {
      const set = [];
      for (const { name, config } of servers) {
        const ceremony = await client['servers.setBegin']({ name, config });
        set.push(await client['servers.set']({ name, config, ...(await passkeyAssertion(ceremony)) }));
      }
      return set;
    },
    onSettled: invalidate,
  });
}

/** Imports a client's config file: one passkey assertion covers every program it launches. */
export function useImportServers() {
  const client = useOperatorClient();
  const invalidate = useInvalidateServers();
  return useMutation({
    mutationFn: async (path: string) => {
      const plan = await client['servers.importBegin']({ path, overwrite: false });
      return client['servers.import']({ path, overwrite: false, ...(await passkeyAssertion(plan.ceremony)) });
    },
    onSettled: invalidate,
  });
}

export function useRestartServer() {
  const client = useOperatorClient();
  const invalidate = useInvalidateServers();
  return useMutation({ mutationFn: (name: string) => client['servers.restart']({ name }), onSettled: invalidate });
}

export function useRemoveServer() {
  const client = useOperatorClient();
  const invalidate = useInvalidateServers();
  return useMutation({ mutationFn: (name: string) => client['servers.remove']({ name }), onSettled: invalidate });
}
