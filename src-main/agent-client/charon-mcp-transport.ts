import { StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport, TransportSendOptions } from '@modelcontextprotocol/sdk/shared/transport.js';
import { isInitializedNotification, type JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import type { HttpExchangeReply, HttpExchangeRequest } from './http-exchange.js';
import { readSse } from './sse-reader.js';

/** One authenticated request to the gateway (CharonAgent.exchange: credential, DPoP proof, retries). */
export type GatewayExchange = (request: HttpExchangeRequest) => Promise<HttpExchangeReply>;

/** Standalone-stream reconnection, as the SDK's client transport does it by default. */
const RECONNECT_DELAYS_MS = [1000, 1500];

/**
 * The MCP Streamable HTTP client transport (2025-11-25) for Charon's own path to its gateway,
 * on node:http: POST each message, read a JSON answer whole or an SSE answer as it arrives,
 * hold the GET stream for what the server sends unasked, DELETE the session at the end. It does
 * what the SDK's transport does on this path without the web streams, Headers, Response objects
 * and schema parse per message that cost an agent most of its CPU per call; the SDK Client still
 * validates every result. Resumability is not used (the gateway does not offer it).
 */
export class CharonMcpTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: Transport['onmessage'];
  sessionId?: string;
  #protocolVersion: string | undefined;
  #abort = new AbortController();
  #started = false;
  #closed = false;

  constructor(readonly exchange: GatewayExchange) {}

  /** Aborts when the transport closes: every request and stream of it is linked to this one signal. */
  get signal(): AbortSignal {
    return this.#abort.signal;
  }

  setProtocolVersion(version: string): void {
    this.#protocolVersion = version;
  }

  async start(): Promise<void> {
    if (this.#started) throw new Error('CharonMcpTransport already started');
    this.#started = true;
  }

  async send(message: JSONRPCMessage, _options?: TransportSendOptions): Promise<void> {
    try {
      const reply = await this.exchange({ method: 'POST', headers: this.#headers({ 'content-type': 'application/json', accept: 'application/json, text/event-stream' }), body: JSON.stringify(message), signal: this.#abort.signal });
      const sessionId = reply.headers['mcp-session-id'];
      if (typeof sessionId === 'string') this.sessionId = sessionId;
      if (reply.status < 200 || reply.status > 299) {
        reply.stream?.destroy();
        throw new StreamableHTTPError(reply.status, `Error POSTing to endpoint: ${reply.body.toString('utf8')}`);
      }
      if (reply.status === 202) {
        if (isInitializedNotification(message)) void this.#openStream(0);
        return;
      }
      if (!('method' in message) || !('id' in message)) {
        reply.stream?.destroy();
        return;
      }
      if (reply.stream) {
        void this.#read(reply.stream);
        return;
      }
      if (!(reply.headers['content-type'] ?? '').startsWith('application/json')) throw new StreamableHTTPError(-1, `Unexpected content type: ${reply.headers['content-type'] ?? ''}`);
      const parsed = JSON.parse(reply.body.toString('utf8')) as JSONRPCMessage | JSONRPCMessage[];
      for (const answer of Array.isArray(parsed) ? parsed : [parsed]) this.onmessage?.(answer);
    } catch (error) {
      this.onerror?.(error as Error);
      throw error;
    }
  }

  /** Ends the session at the server (DELETE); a server that does not allow it answers 405. */
  async terminateSession(): Promise<void> {
    if (!this.sessionId) return;
    const reply = await this.exchange({ method: 'DELETE', headers: this.#headers({}), signal: this.#abort.signal });
    if ((reply.status < 200 || reply.status > 299) && reply.status !== 405) throw new StreamableHTTPError(reply.status, 'Failed to terminate session');
    this.sessionId = undefined;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#abort.abort();
    this.onclose?.();
  }

  #headers(extra: Record<string, string>): Record<string, string> {
    const headers: Record<string, string> = { ...extra };
    if (this.sessionId) headers['mcp-session-id'] = this.sessionId;
    if (this.#protocolVersion) headers['mcp-protocol-version'] = this.#protocolVersion;
    return headers;
  }

  /** The GET stream for what the server sends unasked (list changes, updates, log lines); 405: the server offers none. */
  async #openStream(attempt: number): Promise<void> {
    if (this.#closed) return;
    let reply: HttpExchangeReply;
    try {
      reply = await this.exchange({ method: 'GET', headers: this.#headers({ accept: 'text/event-stream' }), signal: this.#abort.signal });
    } catch (error) {
      if (!this.#closed) this.onerror?.(error as Error);
      return;
    }
    if (reply.status === 405) return;
    if (!reply.stream) {
      this.onerror?.(new StreamableHTTPError(reply.status, `Failed to open SSE stream: ${reply.body.toString('utf8')}`));
      return;
    }
    const ended = await this.#read(reply.stream);
    // A stream the server ended is opened again, a few times, unless this transport is closing.
    const delay = RECONNECT_DELAYS_MS[attempt];
    if (ended && delay !== undefined && !this.#closed) setTimeout(() => void this.#openStream(attempt + 1), delay).unref();
  }

  /** Hands each event's message on; true when the stream ended on its own. */
  async #read(stream: NonNullable<HttpExchangeReply['stream']>): Promise<boolean> {
    try {
      for await (const event of readSse(stream)) {
        if (event.event !== 'message' || event.data === '') continue;
        try {
          this.onmessage?.(JSON.parse(event.data) as JSONRPCMessage);
        } catch (error) {
          this.onerror?.(error as Error);
        }
      }
      return true;
    } catch (error) {
      if (!this.#closed) this.onerror?.(error as Error);
      return false;
    }
  }
}
