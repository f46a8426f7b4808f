// A delegated token (RFC 8693) held by the agent it was issued to: use it at the gateway (with a
// DPoP proof per request when it is bound) and hand a narrower slice of it to another agent.
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { CharonRequestError } from './charon-agent.js';
import { listenerFetch } from './listener-fetch.js';
import type { DpopKey } from './dpop-key.js';

export const TOKEN_EXCHANGE_GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange';
export const JWT_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:jwt';

export interface DelegatedTokenOptions {
  /** The agent listener, e.g. `http://127.0.0.1:7470`. */
  readonly url: string;
  readonly token: string;
  /** The key the token is bound to (the holder's own DPoP key); absent for an unbound token. */
  readonly dpopKey?: DpopKey;
  readonly now?: () => number;
}

/** What to hand on: every field only narrows (the server refuses anything wider). */
export interface DelegateOptions {
  /** Scope tokens, a subset of this token's. */
  readonly scope?: readonly string[];
  /** Seconds; never past this token's expiry. */
  readonly expiresIn?: number;
  /** Servers, tools, argument constraints and envelope, within what this token allows (RFC 9396 `authorization_details`). */
  readonly authority?: { readonly servers: Record<string, unknown>; readonly envelope?: Record<string, unknown> };
  /** A lower assurance level than this token's, if wanted. */
  readonly acr?: string;
}

export interface ExchangeResponse {
  readonly access_token: string;
  readonly issued_token_type: string;
  readonly token_type: 'DPoP' | 'Bearer';
  readonly expires_in: number;
  readonly scope: string;
  readonly delegation_id: string;
}

/** The RFC 6749 error answer of the token endpoint, with Charon's stable code. */
export class TokenExchangeError extends CharonRequestError {
  constructor(
    status: number,
    code: string,
    readonly error: string,
    message: string,
  ) {
    super(status, code, message);
    this.name = 'TokenExchangeError';
  }
}

export class DelegatedToken {
  readonly #o: DelegatedTokenOptions;
  #nonce: string | undefined;

  constructor(options: DelegatedTokenOptions) {
    this.#o = options;
  }

  get token(): string {
    return this.#o.token;
  }

  /**
   * RFC 8693 token exchange: a token for the agent whose own credential is `actorToken`, with
   * at most this token's authority. The new token is bound to the actor token's key.
   */
  async delegate(actorToken: string, options: DelegateOptions = {}): Promise<ExchangeResponse> {
    const form = new URLSearchParams({
      grant_type: TOKEN_EXCHANGE_GRANT,
      subject_token: this.#o.token,
      subject_token_type: JWT_TOKEN_TYPE,
      actor_token: actorToken,
      actor_token_type: JWT_TOKEN_TYPE,
    });
    if (options.scope) form.set('scope', options.scope.join(' '));
    if (options.expiresIn !== undefined) form.set('expires_in', String(options.expiresIn));
    if (options.authority) form.set('authorization_details', JSON.stringify([{ type: 'charon_delegation', ...options.authority }]));
    if (options.acr) form.set('acr_values', options.acr);
    const url = new URL('/v1/token', this.#o.url).href;
    for (let attempt = 0; ; attempt++) {
      const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
      if (this.#o.dpopKey) headers.dpop = await this.#o.dpopKey.proof('POST', url, { accessToken: this.#o.token, nonce: this.#nonce, now: this.#now() });
      const response = await fetch(url, { method: 'POST', headers, body: form });
      const body = (await response.json()) as ExchangeResponse & { error?: string; error_description?: string; code?: string };
      if (response.ok) return body;
      const nonce = response.headers.get('dpop-nonce');
      if (nonce) this.#nonce = nonce;
      // RFC 9449 §8: retry once with the server's nonce.
      if (body.error === 'use_dpop_nonce' && nonce && attempt === 0) continue;
      throw new TokenExchangeError(response.status, body.code ?? 'ERR_INTERNAL', body.error ?? 'server_error', body.error_description ?? 'token exchange refused');
    }
  }

  /** `fetch` with this token and, when bound, a fresh DPoP proof; retried once when the server asks for a nonce. */
  readonly fetch = async (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const send = async (): Promise<Response> => {
      const headers = new Headers(init.headers);
      if (this.#o.dpopKey) {
        headers.set('authorization', `DPoP ${this.#o.token}`);
        headers.set('dpop', await this.#o.dpopKey.proof(init.method ?? 'GET', url, { accessToken: this.#o.token, nonce: this.#nonce, now: this.#now() }));
      } else {
        headers.set('authorization', `Bearer ${this.#o.token}`);
      }
      return listenerFetch(url, { ...init, headers });
    };
    const response = await send();
    const nonce = response.headers.get('dpop-nonce');
    if (response.status !== 401 || !nonce || !/use_dpop_nonce/.test(response.headers.get('www-authenticate') ?? '')) return response;
    this.#nonce = nonce;
    await response.body?.cancel().catch(() => undefined);
    return send();
  };

  /** An MCP client transport to the gateway with this token. */
  mcpTransport(path = '/mcp'): StreamableHTTPClientTransport {
    return new StreamableHTTPClientTransport(new URL(path, this.#o.url), { fetch: this.fetch });
  }

  #now(): number {
    return this.#o.now?.() ?? Date.now();
  }
}
