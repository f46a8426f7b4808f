import type { ServerResponse } from 'node:http';
import type { ErrorPayload } from '../../src-shared/errors.js';

/** JSON-RPC error code for a refused request (-32001 is the SDK's timeout); the stable Charon code travels in `data`. */
export const JSONRPC_REFUSED = -32003;

/** JSON-RPC 2.0 "Invalid params": the request's parameters fail validation (a malformed argument, no tool name). */
export const JSONRPC_INVALID_PARAMS = -32602;

/** An HTTP-level refusal in JSON-RPC shape, so MCP clients and plain HTTP clients both read it. */
export function writeRefusal(res: ServerResponse, status: number, error: ErrorPayload, headers: Record<string, string> = {}, id: string | number | null = null, jsonRpcCode = JSONRPC_REFUSED): void {
  const body = JSON.stringify({ jsonrpc: '2.0', id, error: { code: jsonRpcCode, message: error.message, data: { code: error.code, message: error.message } } });
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    ...headers,
  });
  res.end(body);
}
