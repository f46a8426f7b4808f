import { ErrorCode as McpErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { CharonError } from '../../core/errors.js';

export const unavailable = (server: string, why: string, cause?: unknown): CharonError =>
  new CharonError('ERR_DOWNSTREAM_UNAVAILABLE', `downstream server '${server}' is unavailable: ${why}`, { cause });

/**
 * Turns what the SDK throws into what our callers can act on:
 * - the caller's own abort stays the caller's abort reason (they asked for it);
 * - our per-request timeout becomes ERR_DOWNSTREAM_TIMEOUT;
 * - a closed connection (the process died, the stream dropped) or a transport failure becomes
 *   ERR_DOWNSTREAM_UNAVAILABLE;
 * - a JSON-RPC error the server itself answered with stays an McpError, so the agent-facing
 *   side can forward the server's code and message unchanged.
 */
export function mapRequestError(server: string, method: string, error: unknown, signal: AbortSignal | undefined, timeoutMs: number, whyClosed: () => string): unknown {
  if (signal?.aborted) return signal.reason;
  if (error instanceof CharonError) return error;
  if (error instanceof McpError) {
    if (error.code === McpErrorCode.RequestTimeout) {
      return new CharonError('ERR_DOWNSTREAM_TIMEOUT', `downstream server '${server}' did not answer ${method} within ${timeoutMs} ms`, { cause: error });
    }
    if (error.code === McpErrorCode.ConnectionClosed) return unavailable(server, `${whyClosed()} during ${method}`, error);
    return error;
  }
  // The SDK's transports say this when the process or stream is already gone.
  if (error instanceof Error && error.message === 'Not connected') return unavailable(server, `${whyClosed()} before ${method} was sent`, error);
  if (error instanceof Error && error.name === 'ZodError') return unavailable(server, `invalid response to ${method}`, error);
  return unavailable(server, `${method} failed: ${error instanceof Error ? error.message : String(error)}`, error);
}
