import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import type { Transport, TransportSendOptions } from '@modelcontextprotocol/sdk/shared/transport.js';
import { JSONRPCMessageSchema, SUPPORTED_PROTOCOL_VERSIONS, type JSONRPCMessage, type RequestId } from '@modelcontextprotocol/sdk/types.js';
import { CharonError } from '../core/errors.js';
import { SSE_HEADERS, writeSseMessage } from './sse.js';

/** A POST awaiting its response: answered as one JSON body, or as an SSE stream once something must precede the response. */
interface PendingPost {
  readonly res: ServerResponse;
  streaming: boolean;
}


/**
 * The Streamable HTTP transport of one gateway session, on node:http. A request is answered with
 * `application/json` unless a notification or a server request related to it (progress, a
 * downstream's sampling or elicitation) must be sent before the response; only then does that
 * POST become an SSE stream (the transport spec lets the server choose per request). Most calls
 * thus skip the SSE framing on both sides. Authentication, the session's owner and the decision
 * are the gateway's job before a request reaches this object; resumability is not offered.
 */
export class SessionTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: Transport['onmessage'];
  readonly #posts = new Map<RequestId, PendingPost>();
  #standalone: ServerResponse | null = null;
  #initialized = false;
  #closed = false;

  constructor(readonly sessionId: string) {}

  async start(): Promise<void> {}

  /**
   * Checks what the transport spec requires of a request before anything is decided on it:
   * Accept, MCP-Protocol-Version, a single valid JSON-RPC message, one initialize per session.
   * Throws a typed error; returns the parsed message of a POST.
   */
  admit(req: IncomingMessage, body: unknown): JSONRPCMessage | null {
    if (this.#closed) throw new CharonError('ERR_SESSION_NOT_FOUND', 'Unknown or expired MCP session; initialize a new one');
    const accept = req.headers.accept ?? '';
    const version = req.headers['mcp-protocol-version'];
    if (typeof version === 'string' && !SUPPORTED_PROTOCOL_VERSIONS.includes(version)) {
      throw new CharonError('ERR_INVALID_INPUT', `Unsupported MCP-Protocol-Version ${version} (supported: ${SUPPORTED_PROTOCOL_VERSIONS.join(', ')})`);
    }
    if (req.method === 'GET') {
      if (!accept.includes('text/event-stream')) throw new CharonError('ERR_NOT_ACCEPTABLE', 'A GET stream needs Accept: text/event-stream');
      if (this.#standalone) throw new CharonError('ERR_STREAM_CONFLICT', 'This session already has a GET stream open');
      return null;
    }
    if (req.method === 'DELETE') return null;
    if (req.method !== 'POST') throw new CharonError('ERR_METHOD_NOT_ALLOWED', `${req.method ?? ''} is not allowed on an MCP endpoint`);
    if (!accept.includes('application/json') || !accept.includes('text/event-stream')) {
      throw new CharonError('ERR_NOT_ACCEPTABLE', 'A POST needs Accept: application/json, text/event-stream');
    }
    const parsed = JSONRPCMessageSchema.safeParse(body);
    if (!parsed.success) throw new CharonError('ERR_INVALID_INPUT', 'The body is not a valid JSON-RPC message');
    const message = parsed.data;
    if ('method' in message && message.method === 'initialize') {
      if (this.#initialized) throw new CharonError('ERR_INVALID_INPUT', 'This session is already initialized');
      this.#initialized = true;
    }
    return message;
  }

  /** Serves an admitted request (see `admit`). */
  handle(req: IncomingMessage, res: ServerResponse, message: JSONRPCMessage | null, authInfo: AuthInfo): void {
    if (req.method === 'GET') return this.#openStandalone(res);
    if (req.method === 'DELETE') {
      res.writeHead(200, { 'mcp-session-id': this.sessionId }).end();
      void this.close();
      return;
    }
    if (!message) throw new TypeError('handle() needs the message admit() returned');
    if (!('method' in message) || !('id' in message)) {
      // A notification, or the agent's answer to a request forwarded from a downstream.
      res.writeHead(202, { 'mcp-session-id': this.sessionId }).end();
      this.onmessage?.(message, { authInfo });
      return;
    }
    const id = message.id;
    this.#posts.set(id, { res, streaming: false });
    res.once('close', () => {
      if (this.#posts.get(id)?.res === res) this.#posts.delete(id);
    });
    this.onmessage?.(message, { authInfo });
  }

  async send(message: JSONRPCMessage, options?: TransportSendOptions): Promise<void> {
    const isResponse = 'result' in message || 'error' in message;
    const requestId = isResponse ? (message as { id: RequestId }).id : options?.relatedRequestId;
    const post = requestId === undefined ? undefined : this.#posts.get(requestId);
    if (!post) {
      // Unrelated to a live POST (a list_changed, a log line): the GET stream if the agent opened one.
      if (!isResponse && this.#standalone) writeSseMessage(this.#standalone, message);
      return;
    }
    if (!isResponse) {
      if (!post.streaming) {
        post.streaming = true;
        post.res.writeHead(200, { ...SSE_HEADERS, 'mcp-session-id': this.sessionId });
      }
      writeSseMessage(post.res, message);
      return;
    }
    this.#posts.delete(requestId as RequestId);
    if (post.streaming) {
      writeSseMessage(post.res, message);
      post.res.end();
      return;
    }
    const body = JSON.stringify(message);
    post.res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'mcp-session-id': this.sessionId }).end(body);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    // A request still waiting gets a clear end rather than a hang.
    for (const [id, post] of this.#posts) {
      const ended = { jsonrpc: '2.0' as const, id, error: { code: -32001, message: 'The MCP session was closed', data: { code: 'ERR_SESSION_NOT_FOUND' } } };
      if (post.streaming) writeSseMessage(post.res, ended);
      else if (!post.res.headersSent) post.res.writeHead(404, { 'content-type': 'application/json' });
      post.res.end(post.streaming ? undefined : JSON.stringify(ended));
    }
    this.#posts.clear();
    this.#standalone?.end();
    this.#standalone = null;
    this.onclose?.();
  }

  /** Whether the agent holds its GET stream open now: a client that exited has closed it. */
  get streamOpen(): boolean {
    return this.#standalone !== null && !this.#standalone.writableEnded;
  }

  #openStandalone(res: ServerResponse): void {
    res.writeHead(200, { ...SSE_HEADERS, 'mcp-session-id': this.sessionId });
    res.flushHeaders();
    this.#standalone = res;
    res.once('close', () => {
      if (this.#standalone === res) this.#standalone = null;
    });
  }
}

