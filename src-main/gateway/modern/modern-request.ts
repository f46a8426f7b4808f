// MCP 2026-07-28 requests ("modern": no initialize, no session; each request carries its protocol
// version and the client's capabilities in `_meta`, and mirrors its method and target into HTTP
// headers that must match the body). This file tells a modern request from a legacy one and
// checks what the Streamable HTTP transport of that revision requires before anything is decided.
import type { IncomingMessage } from 'node:http';
import type { ClientCapabilities, LoggingLevel } from '@modelcontextprotocol/sdk/types.js';
import { LoggingLevelSchema, SUPPORTED_PROTOCOL_VERSIONS } from '@modelcontextprotocol/sdk/types.js';
import type { ErrorCode } from '../../../src-shared/errors.js';
import { CharonError } from '../../core/errors.js';

export const MODERN_VERSION = '2026-07-28';
/** What an UnsupportedProtocolVersionError offers: this revision statelessly, the previous one with initialize. */
export const SUPPORTED_VERSIONS = [MODERN_VERSION, '2025-11-25'] as const;

export const META = {
  version: 'io.modelcontextprotocol/protocolVersion',
  capabilities: 'io.modelcontextprotocol/clientCapabilities',
  logLevel: 'io.modelcontextprotocol/logLevel',
  subscriptionId: 'io.modelcontextprotocol/subscriptionId',
  serverInfo: 'io.modelcontextprotocol/serverInfo',
} as const;

/** JSON-RPC codes the revision defines (§ Error Codes: -32020 to -32099 are the specification's). */
export const MODERN_CODES = { headerMismatch: -32020, missingCapability: -32021, unsupportedVersion: -32022, methodNotFound: -32601, invalidParams: -32602 } as const;

/** A refusal of the modern transport: its JSON-RPC code and data travel beside Charon's stable code. */
export class ModernRefusal extends CharonError {
  constructor(
    code: ErrorCode,
    message: string,
    readonly jsonRpcCode: number,
    readonly data: Record<string, unknown> = {},
  ) {
    super(code, message);
  }
}

export interface ModernRequest {
  /** Absent for a notification. */
  readonly id: string | number | undefined;
  readonly method: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly version: string;
  /** Declared per request; never inferred from an earlier one. */
  readonly clientCapabilities: ClientCapabilities;
  /** No level: no notifications/message for this request. */
  readonly logLevel: LoggingLevel | null;
  readonly progressToken: string | number | undefined;
}

const metaOf = (body: unknown): Record<string, unknown> | null => {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return null;
  const params = (body as { params?: unknown }).params;
  if (typeof params !== 'object' || params === null || Array.isArray(params)) return null;
  const meta = (params as { _meta?: unknown })._meta;
  return typeof meta === 'object' && meta !== null && !Array.isArray(meta) ? (meta as Record<string, unknown>) : null;
};

/**
 * Modern when the body declares a version in `_meta`, or, outside a 2025 session, the header names
 * a version the legacy transport does not know; `initialize` always opens a legacy session.
 */
export function isModernRequest(req: IncomingMessage, body: unknown): boolean {
  if (req.method !== 'POST') return false;
  if ((body as { method?: unknown } | null)?.method === 'initialize') return false;
  if (metaOf(body)?.[META.version] !== undefined) return true;
  // Within a 2025 session an unknown version is that session's error to answer.
  if (req.headers['mcp-session-id'] !== undefined) return false;
  const header = req.headers['mcp-protocol-version'];
  return typeof header === 'string' && !SUPPORTED_PROTOCOL_VERSIONS.includes(header);
}

const mismatch = (why: string) => new ModernRefusal('ERR_HEADER_MISMATCH', `Header mismatch: ${why}`, MODERN_CODES.headerMismatch);

/** `=?base64?…?=` decoded (the revision's encoding for values that are not plain ASCII); anything else as sent. */
export function decodeHeaderValue(value: string): string {
  const encoded = /^=\?base64\?([A-Za-z0-9+/]*={0,2})\?=$/.exec(value);
  if (!encoded) return value;
  return Buffer.from(encoded[1] as string, 'base64').toString('utf8');
}

/** The request, checked: Accept, the version (header and `_meta` agree, and is served), Mcp-Method and Mcp-Name against the body. */
export function parseModernRequest(req: IncomingMessage, body: unknown): ModernRequest {
  const accept = req.headers.accept ?? '';
  if (!accept.includes('application/json') || !accept.includes('text/event-stream')) throw new CharonError('ERR_NOT_ACCEPTABLE', 'A POST needs Accept: application/json, text/event-stream');
  const message = body as { jsonrpc?: unknown; id?: unknown; method?: unknown; params?: unknown };
  if (message.jsonrpc !== '2.0' || typeof message.method !== 'string' || (message.id !== undefined && typeof message.id !== 'string' && typeof message.id !== 'number')) {
    throw new CharonError('ERR_INVALID_INPUT', 'The body must be one JSON-RPC request');
  }
  const meta = metaOf(body) ?? {};
  const version = meta[META.version];
  const header = req.headers['mcp-protocol-version'];
  const unsupported = (requested: string) =>
    new ModernRefusal('ERR_UNSUPPORTED_PROTOCOL_VERSION', 'Unsupported protocol version', MODERN_CODES.unsupportedVersion, { supported: [...SUPPORTED_VERSIONS], requested: requested.slice(0, 40) });
  if (typeof header !== 'string') throw mismatch('the MCP-Protocol-Version header is required');
  // A version nobody here speaks is answered with what is spoken, before anything else is checked.
  if (header !== MODERN_VERSION && !SUPPORTED_PROTOCOL_VERSIONS.includes(header)) throw unsupported(header);
  if (typeof version !== 'string') throw mismatch(`_meta["${META.version}"] is required`);
  if (header !== version) throw mismatch(`MCP-Protocol-Version header value '${header.slice(0, 40)}' does not match body value '${version.slice(0, 40)}'`);
  if (version !== MODERN_VERSION) throw unsupported(version);
  const method = message.method;
  const methodHeader = req.headers['mcp-method'];
  if (typeof methodHeader !== 'string') throw mismatch('the Mcp-Method header is required');
  if (methodHeader !== method) throw mismatch(`Mcp-Method header value '${methodHeader.slice(0, 60)}' does not match body value '${method.slice(0, 60)}'`);
  const params = (typeof message.params === 'object' && message.params !== null && !Array.isArray(message.params) ? message.params : {}) as Record<string, unknown>;
  if (method === 'tools/call' || method === 'prompts/get' || method === 'resources/read') {
    const target = method === 'resources/read' ? params.uri : params.name;
    const nameHeader = req.headers['mcp-name'];
    if (typeof nameHeader !== 'string') throw mismatch('the Mcp-Name header is required');
    if (typeof target !== 'string' || decodeHeaderValue(nameHeader) !== target) throw mismatch(`Mcp-Name header value does not match the body's ${method === 'resources/read' ? 'uri' : 'name'}`);
  }
  const capabilities = meta[META.capabilities];
  const level = LoggingLevelSchema.safeParse(meta[META.logLevel]);
  const progressToken = meta.progressToken;
  return {
    id: message.id as string | number | undefined,
    method,
    params,
    version,
    clientCapabilities: typeof capabilities === 'object' && capabilities !== null && !Array.isArray(capabilities) ? (capabilities as ClientCapabilities) : {},
    logLevel: level.success ? level.data : null,
    progressToken: typeof progressToken === 'string' || typeof progressToken === 'number' ? progressToken : undefined,
  };
}
