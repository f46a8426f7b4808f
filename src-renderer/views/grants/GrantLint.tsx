import { useQueries } from '@tanstack/react-query';
import type { GrantSpec } from '../../../src-shared/grant.js';
import { useOperatorClient } from '../../api/client-context.js';
import { queryKeys } from '../../api/query-keys.js';
import { useServers } from '../servers/use-servers.js';
import { lintGrant } from './grant-lint.js';

/** What about this grant can never match, or constrains nothing, against the servers as they are now. */
export function GrantLint({ spec }: { spec: GrantSpec }) {
  const client = useOperatorClient();
  const servers = useServers();
  const names = servers.data?.map((s) => s.name) ?? null;
  const wanted = Object.keys(spec.servers).filter((s) => names?.includes(s));
  const tools = useQueries({
    queries: wanted.map((name) => ({ queryKey: [...queryKeys.servers, 'tools', name], queryFn: () => client['servers.tools']({ name }), staleTime: 30_000, retry: false })),
  });
  const toolsOf = (server: string) => tools[wanted.indexOf(server)]?.data?.map((t) => t.name) ?? null;
  const warnings = lintGrant(spec, names, toolsOf, Date.now());
  if (warnings.length === 0) return null;
  return (
    <ul className="lint-list" aria-label="Warnings about this grant">
      {warnings.map((w) => (
        <li key={w} className="lint">
          {w}
        </li>
      ))}
    </ul>
  );
}
