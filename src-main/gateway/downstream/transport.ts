import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { ServerConfig } from '../../../src-shared/mcp-servers.js';
import { perRequestSignalFetch } from '../../core/per-request-signal.js';

/** How much of a child's stderr we keep: enough for the last error message, bounded so a chatty server costs nothing. */
const STDERR_TAIL_BYTES = 4096;

export interface OpenedTransport {
  readonly transport: Transport;
  /** The child's pid (stdio, once started), for killing it and for tests. */
  pid(): number | null;
  /** The last lines the child wrote to stderr, for error messages. */
  stderrTail(): string;
}

/**
 * One transport per connection attempt. Remote servers get only the configured headers: the
 * gateway holds this connection itself, so an agent's token never reaches a downstream.
 */
export function openTransport(config: ServerConfig): OpenedTransport {
  if ('url' in config) {
    // Each request with a signal of its own: the connection's would collect a listener per call.
    const transport = new StreamableHTTPClientTransport(new URL(config.url), { requestInit: { headers: { ...config.headers } }, fetch: perRequestSignalFetch(fetch) });
    return { transport, pid: () => null, stderrTail: () => '' };
  }
  // stderr is piped (not inherited): the child's log must not interleave with ours, and its
  // last words explain a crash better than "connection closed".
  const transport = new StdioClientTransport({ command: config.command, args: config.args, env: config.env, cwd: config.cwd, stderr: 'pipe' });
  let tail = '';
  transport.stderr?.on('data', (chunk: Buffer) => {
    tail = (tail + chunk.toString('utf8')).slice(-STDERR_TAIL_BYTES);
  });
  return { transport, pid: () => transport.pid, stderrTail: () => tail };
}

/** The last non-empty line of a stderr tail, trimmed for an error message. */
export function lastLine(text: string): string {
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l.length > 0);
  return (lines.at(-1) ?? '').slice(0, 300);
}
