import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { DpopKey } from './dpop-key.js';

export interface CharonAgentOptions {
  /** The agent listener, e.g. `http://127.0.0.1:7470`. */
  readonly url: string;
  readonly agentId: string;
  /** A single-use join token from the owner (`charon join-token create`). */
  readonly joinToken?: string;
  /** Reads a fresh Kubernetes projected service-account token (re-attestation uses it again). */
  readonly k8sToken?: () => Promise<string>;
  /** Binds every credential to this key (RFC 9449); without one, tokens are Bearer. */
  readonly dpopKey?: DpopKey;
  /** Renew once this fraction of the lifetime is left (default one third). */
  readonly renewWhenLeft?: number;
  readonly now?: () => number;
}

interface SvidResponse {
  readonly svid: string;
  readonly jti: string;
  readonly expires_at: number;
  readonly spiffe_id: string;
}

interface Held {
  readonly token: string;
  readonly issuedAt: number;
  readonly expiresAt: number;
  readonly spiffeId: string;
}

/** A refusal from Charon, with its stable code. */
export class CharonRequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'CharonRequestError';
  }
}

/**
 * What an agent process uses to talk to Charon: attest once, hold its DPoP key, renew its
 * credential before expiry (the predecessor becomes ROTATED), and sign a proof per request.
 */
export class CharonAgent {
  readonly #o: CharonAgentOptions;
  #current: Held | null = null;
  #renewing: Promise<void> | null = null;
  #nonce: string | undefined;

  constructor(options: CharonAgentOptions) {
    this.#o = options;
  }

  get spiffeId(): string | null {
    return this.#current?.spiffeId ?? null;
  }

  async attest(): Promise<void> {
    let body: Record<string, unknown>;
    let path: string;
    if (this.#o.k8sToken) {
      path = '/v1/attest/k8s';
      body = { agent_id: this.#o.agentId, token: await this.#o.k8sToken() };
    } else if (this.#o.joinToken) {
      path = '/v1/attest/join-token';
      body = { agent_id: this.#o.agentId, token: this.#o.joinToken };
    } else {
      throw new TypeError('CharonAgent needs a joinToken or a k8sToken to attest');
    }
    this.#store(await this.#post<SvidResponse>(path, body, null));
  }

  /** The current credential, renewed first when it is close to expiry. */
  async token(): Promise<string> {
    if (!this.#current) await this.attest();
    const current = this.#current as Held;
    const left = (current.expiresAt - this.#now()) / (current.expiresAt - current.issuedAt);
    if (left <= (this.#o.renewWhenLeft ?? 1 / 3)) {
      this.#renewing ??= this.#renew().finally(() => (this.#renewing = null));
      await this.#renewing;
    }
    return (this.#current as Held).token;
  }

  /** `fetch` with this agent's credential and a fresh DPoP proof; retries once when the server asks for a nonce. */
  readonly fetch = async (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const send = async (): Promise<Response> => {
      const token = await this.token();
      const headers = new Headers(init.headers);
      if (this.#o.dpopKey) {
        headers.set('authorization', `DPoP ${token}`);
        headers.set('dpop', await this.#o.dpopKey.proof(init.method ?? 'GET', url, { accessToken: token, nonce: this.#nonce, now: this.#now() }));
      } else {
        headers.set('authorization', `Bearer ${token}`);
      }
      return fetch(url, { ...init, headers });
    };
    let response = await send();
    const nonce = response.headers.get('dpop-nonce');
    if (nonce) this.#nonce = nonce;
    if (response.status === 401 && nonce && /use_dpop_nonce/.test(response.headers.get('www-authenticate') ?? '')) response = await send();
    return response;
  };

  /** An MCP client transport to the gateway (`/mcp` for all servers, `/mcp/<server>` for one). */
  mcpTransport(path = '/mcp'): StreamableHTTPClientTransport {
    return new StreamableHTTPClientTransport(new URL(path, this.#o.url), { fetch: this.fetch });
  }

  async #renew(): Promise<void> {
    try {
      this.#store(await this.#post<SvidResponse>('/v1/credentials/rotate', {}, (this.#current as Held).token));
    } catch (error) {
      // An expired attestation or credential: attest again where that is possible (Kubernetes).
      if (error instanceof CharonRequestError && this.#o.k8sToken && ['ERR_ATTESTATION_REQUIRED', 'ERR_JWT_EXPIRED'].includes(error.code)) return this.attest();
      throw error;
    }
  }

  async #post<T>(path: string, body: unknown, token: string | null): Promise<T> {
    const url = new URL(path, this.#o.url).href;
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (this.#o.dpopKey) headers.dpop = await this.#o.dpopKey.proof('POST', url, { accessToken: token ?? undefined, nonce: this.#nonce, now: this.#now() });
    if (token) headers.authorization = `${this.#o.dpopKey ? 'DPoP' : 'Bearer'} ${token}`;
    const response = await fetch(url, { method: 'POST', headers, body: JSON.stringify(body) });
    const json = (await response.json().catch(() => ({}))) as { code?: string; message?: string };
    if (!response.ok) throw new CharonRequestError(response.status, json.code ?? 'ERR_INTERNAL', json.message ?? `HTTP ${response.status}`);
    return json as T;
  }

  #store(response: SvidResponse): void {
    this.#current = { token: response.svid, issuedAt: this.#now(), expiresAt: response.expires_at * 1000, spiffeId: response.spiffe_id };
  }

  #now(): number {
    return this.#o.now?.() ?? Date.now();
  }
}
