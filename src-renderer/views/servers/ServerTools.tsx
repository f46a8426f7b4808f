import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { queryKeys } from '../../api/query-keys.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { useServerTools } from './use-servers.js';

/** How much a tool can do, as a server's tool list and the grant editor say it. */
export const TOOL_RISK_LABEL = { read: 'reads', write: 'writes', transact: 'acts (irreversible)' } as const;

/** A server's tools by name, with what each says it does and how much it can do. */
export function ServerTools({ name }: { name: string }) {
  const tools = useServerTools(name, true);
  const queryClient = useQueryClient();
  // Listing started the server if it was stopped: its row should say so.
  useEffect(() => {
    if (tools.isSuccess || tools.isError) void queryClient.invalidateQueries({ queryKey: queryKeys.servers, exact: true });
  }, [tools.isSuccess, tools.isError, queryClient]);
  if (tools.isPending) return <p role="status">Asking {name} for its tools…</p>;
  if (tools.isError) return <ErrorNotice error={tools.error} title={`Could not list the tools of ${name}`} />;
  if (tools.data.length === 0) return <p className="muted">{name} offers no tools.</p>;
  return (
    <ul className="tool-list" aria-label={`Tools of ${name}`}>
      {tools.data.map((tool) => (
        <li key={tool.name} data-tool={tool.name}>
          <span className={`risk risk-${tool.risk}`}>{TOOL_RISK_LABEL[tool.risk]}</span> <code>{tool.name}</code>
          {tool.title && tool.title !== tool.name && <span> · {tool.title}</span>}
          {tool.description && <div className="muted tool-description">{tool.description}</div>}
        </li>
      ))}
    </ul>
  );
}
