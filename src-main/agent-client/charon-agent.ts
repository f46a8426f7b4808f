import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { CharonMcpTransport } from './charon-mcp-transport.js';
import { httpExchange, type HttpExchangeReply, type HttpExchangeRequest } from './http-exchange.js';
import type { DpopKey } from './dpop-key.js';
import { listenerFetch } from './listener-fetch.js';

export interface CharonAgentOptions {
  /** The agent listener, e.g. `http://127.0.0.1:7470`. */
  readonly url: string;
  readonly agentId: string;
  /** A single-use join token from the owner (`charon join-token create`). */
  readonly joinToken?: string;
  /** Reads a fresh Kubernetes projected service-account token (re-attestation uses it again). */
  readonly k8sToken?: () => Promise<string>;
  /** For a remote listener (https): the CA certificate (PEM) to trust, e.g. the team server's own; the system's CAs otherwise. */
  readonly ca?: string;
  /** Binds every credential to this key (RFC 9449); without one, tokens are Bearer. */
  readonly dpopKey?: DpopKey;
  /** Renew once this fraction of the lifetime is left (default one third). */
  readonly renewWhenLeft?: number;
  /** A credential obtained earlier (e.g. by a previous run, persisted): used and renewed instead of attesting again. */
  readonly credential?: AgentCredential;
  /** Called with every new credential (attested or renewed), e.g. to persist it; a failure is reported, not fatal. */
  readonly onCredential?: (credential: AgentCredential) => void | Promise<void>;
  readonly now?: () => number;
}

/** A held credential, in a form that can be persisted and handed back through `CharonAgentOptions.credential`. */
export interface AgentCredential {
  readonly token: string;
  readonly jti: string;
  /** Epoch ms. */
  readonly issuedAt: number;
  /** Epoch ms. */
  readonly expiresAt: number;
  readonly spiffeId: string;
}

interface SvidResponse {
  readonly svid: string;
  readonly jti: string;
  readonly expires_at: number;
  readonly spiffe_id: string;
}

type Held = AgentCredential;

/** The stable code in a refusal body: the gateway's JSON-RPC error (`error.data.code`) or the plain `{ code }` of the /v1 endpoints. */
function refusalCode(text: string): string | undefined {
  try {
    const body = JSON.parse(text) as { code?: unknown; error?: { data?: { code?: unknown } } } | null;
    const code = body?.error?.data?.code ?? body?.code;
    return typeof code === 'string' ? code : undefined;
  } catch {
    return undefined;
  }
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
  #renewTimer: ReturnType<typeof setTimeout> | null = null;
  #joinTokenSpent = false;

  constructor(options: CharonAgentOptions) {
    this.#o = options;
    this.#current = options.credential ?? null;
  }

  get spiffeId(): string | null {
    return this.#current?.spiffeId ?? null;
  }

  /** The credential held now (null before the first attestation). */
  get credential(): AgentCredential | null {
    return this.#current;
  }

  async attest(): Promise<void> {
    let body: Record<string, unknown>;
    let path: string;
    if (this.#o.k8sToken) {
      path = '/v1/attest/k8s';
      body = { agent_id: this.#o.agentId, token: await this.#o.k8sToken() };
    } else if (this.#o.joinToken && !this.#joinTokenSpent) {
      path = '/v1/attest/join-token';
      body = { agent_id: this.#o.agentId, token: this.#o.joinToken };
    } else if (this.#o.joinToken) {
      throw new CharonRequestError(401, 'ERR_ATTESTATION_REQUIRED', `The join token of ${this.#o.agentId} was used already (single use); a new join token is needed to attest again`);
    } else {
      throw new TypeError('CharonAgent needs a joinToken or a k8sToken to attest');
    }
    const response = await this.#post<SvidResponse>(path, body, null);
    if (path === '/v1/attest/join-token') this.#joinTokenSpent = true;
    await this.#store(response);
  }

  /** The current credential, renewed first when it is close to expiry. */
  async token(): Promise<string> {
    if (this.#current && this.#current.expiresAt <= this.#now()) {
      // Too late to renew: only a new attestation helps.
      if (!this.#canAttest()) {
        throw new CharonRequestError(401, 'ERR_ATTESTATION_REQUIRED', `The credential of ${this.#o.agentId} expired at ${new Date(this.#current.expiresAt).toISOString()}; a new join token is needed to attest again`);
      }
      this.#current = null;
    }
    if (!this.#current) await this.attest();
    const current = this.#current as Held;
    if (this.#leftFraction(current) <= this.#renewWhenLeft()) await this.renew();
    return (this.#current as Held).token;
  }

  /** Renews now (one renewal at a time): the predecessor becomes ROTATED. */
  async renew(): Promise<void> {
    if (!this.#current) return this.attest();
    this.#renewing ??= this.#renew().finally(() => (this.#renewing = null));
    await this.#renewing;
  }

  /**
   * Keeps the credential fresh without waiting for a request: renews when `renewWhenLeft` of its lifetime
   * is left, so an idle client still holds a live credential. Returns a function that stops it.
   */
  autoRenew(onError: (error: unknown) => void = () => undefined): () => void {
    const schedule = (delay: number): void => {
      if (this.#renewTimer) clearTimeout(this.#renewTimer);
      this.#renewTimer = setTimeout(() => {
        this.renew().then(
          () => schedule(this.#renewDelay()),
          (error: unknown) => {
            onError(error);
            // Retry soon unless the credential is gone for good (then every request reports why).
            const current = this.#current;
            if (current && current.expiresAt > this.#now()) schedule(Math.min(30_000, Math.max(1000, (current.expiresAt - this.#now()) / 4)));
          },
        );
      }, delay);
      this.#renewTimer.unref?.();
    };
    schedule(this.#renewDelay());
    return () => {
      if (this.#renewTimer) clearTimeout(this.#renewTimer);
      this.#renewTimer = null;
    };
  }

  /**
   * `fetch` with this agent's credential and a fresh DPoP proof; retries once when the server asks for a
   * nonce, or when the credential was renewed while the request was on its way (the old one is ROTATED).
   *
   * The caller's AbortSignal is never handed to the platform fetch: Node's fetch (undici) adds an `abort`
   * listener to it per request and removes it only when that request is garbage-collected, so one
   * long-lived signal (the MCP SDK's transport uses one per connection) collects thousands of listeners
   * and Node warns (MaxListenersExceededWarning). Each request gets its own signal instead, linked to the
   * caller's by one listener that is removed as soon as the response body is finished.
   */
  readonly fetch = async (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const send = async (): Promise<{ response: Response; token: string }> => {
      const token = await this.token();
      const headers = new Headers(init.headers);
      for (const [name, value] of Object.entries(await this.#authorization(init.method ?? 'GET', url, token))) headers.set(name, value);
      return { response: await listenerFetch(url, { ...init, headers }), token };
    };
    const { response, token } = await send();
    if (response.status !== 401) return response;
    const retry = this.#retryAfter401(response.headers.get('dpop-nonce'), response.headers.get('www-authenticate'), token, async () => refusalCode(await response.clone().text()));
    if (!(await retry)) return response;
    await response.body?.cancel().catch(() => undefined);
    return (await send()).response;
  };

  /**
   * What `fetch` does, for a plain-HTTP (loopback) listener, without the Response objects: one
   * request with this agent's credential and a fresh DPoP proof, retried once when the server
   * asks for a nonce or the credential was renewed meanwhile. Charon's own MCP transport uses it.
   */
  async exchange(url: string, init: HttpExchangeRequest): Promise<HttpExchangeReply> {
    const send = async (): Promise<{ reply: HttpExchangeReply; token: string }> => {
      const token = await this.token();
      return { reply: await httpExchange(url, { ...init, ...(this.#o.ca ? { ca: this.#o.ca } : {}), headers: { ...init.headers, ...(await this.#authorization(init.method, url, token)) } }), token };
    };
    const { reply, token } = await send();
    if (reply.status !== 401) return reply;
    const header = (name: string): string | null => {
      const value = reply.headers[name];
      return typeof value === 'string' ? value : null;
    };
    if (!(await this.#retryAfter401(header('dpop-nonce'), header('www-authenticate'), token, async () => refusalCode(reply.body.toString('utf8'))))) return reply;
    reply.stream?.destroy();
    return (await send()).reply;
  }

  /** An MCP client transport to the gateway (`/mcp` for all servers, `/mcp/<server>` for one). */
  mcpTransport(path = '/mcp'): Transport & { terminateSession(): Promise<void> } {
    const url = new URL(path, this.#o.url);
    // Charon's own transport on node:http(s) for a Charon listener, loopback or remote.
    return new CharonMcpTransport((request) => this.exchange(url.href, request));
  }

  /** The Authorization header, and a fresh DPoP proof when the credential is bound. */
  async #authorization(method: string, url: string, token: string): Promise<Record<string, string>> {
    if (!this.#o.dpopKey) return { authorization: `Bearer ${token}` };
    return { authorization: `DPoP ${token}`, dpop: await this.#o.dpopKey.proof(method, url, { accessToken: token, nonce: this.#nonce, now: this.#now() }) };
  }

  /** After a 401: keeps the nonce it carries; true when one retry may help (a nonce asked for, or a credential renewed meanwhile). */
  async #retryAfter401(nonce: string | null, challenge: string | null, sentToken: string, code: () => Promise<string | undefined>): Promise<boolean> {
    if (nonce) this.#nonce = nonce;
    if (nonce && /use_dpop_nonce/.test(challenge ?? '')) return true;
    return sentToken !== this.#current?.token && (await code()) === 'ERR_CREDENTIAL_ROTATED';
  }

  #canAttest(): boolean {
    return Boolean(this.#o.k8sToken ?? (this.#o.joinToken && !this.#joinTokenSpent));
  }

  #renewWhenLeft(): number {
    return this.#o.renewWhenLeft ?? 1 / 3;
  }

  #leftFraction(c: Held): number {
    return (c.expiresAt - this.#now()) / Math.max(1, c.expiresAt - c.issuedAt);
  }

  /** Milliseconds until the current credential is due for renewal (a little earlier than `token()` would). */
  #renewDelay(): number {
    const c = this.#current;
    if (!c) return 1000;
    const due = c.expiresAt - (c.expiresAt - c.issuedAt) * this.#renewWhenLeft();
    return Math.max(0, Math.min(2 ** 31 - 1, due - this.#now()));
  }

  async #renew(): Promise<void> {
    try {
      await this.#store(await this.#post<SvidResponse>('/v1/credentials/rotate', {}, (this.#current as Held).token));
    } catch (error) {
      // An expired attestation or credential: attest again where that is possible (Kubernetes).
      if (error instanceof CharonRequestError && this.#canAttest() && ['ERR_ATTESTATION_REQUIRED', 'ERR_JWT_EXPIRED'].includes(error.code)) return this.attest();
      throw error;
    }
  }

  async #post<T>(path: string, body: unknown, token: string | null, retried = false): Promise<T> {
    const url = new URL(path, this.#o.url).href;
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (this.#o.dpopKey) headers.dpop = await this.#o.dpopKey.proof('POST', url, { accessToken: token ?? undefined, nonce: this.#nonce, now: this.#now() });
    if (token) headers.authorization = `${this.#o.dpopKey ? 'DPoP' : 'Bearer'} ${token}`;
    let reply: HttpExchangeReply;
    try {
      reply = await httpExchange(url, { method: 'POST', headers, body: JSON.stringify(body), ...(this.#o.ca ? { ca: this.#o.ca } : {}) });
    } catch (error) {
      throw new CharonRequestError(0, 'ERR_GATEWAY_UNREACHABLE', `Cannot reach Charon at ${this.#o.url}: ${error instanceof Error ? error.message : String(error)}`);
    }
    const nonce = typeof reply.headers['dpop-nonce'] === 'string' ? reply.headers['dpop-nonce'] : null;
    if (nonce) this.#nonce = nonce;
    let json: { code?: string; message?: string } = {};
    try {
      json = JSON.parse(reply.body.toString('utf8')) as typeof json;
    } catch {
      // Not JSON: said by the status below.
    }
    const ok = reply.status >= 200 && reply.status < 300;
    // RFC 9449 §8: the server wants a nonce in the proof; retry once with the one it sent.
    if (!ok && json.code === 'ERR_DPOP_NONCE_REQUIRED' && nonce && !retried) return this.#post<T>(path, body, token, true);
    if (!ok) throw new CharonRequestError(reply.status, json.code ?? 'ERR_INTERNAL', json.message ?? `HTTP ${reply.status}`);
    return json as T;
  }


  /** Holds the new credential, and hands it to `onCredential` (persisted before renew/attest resolve). */
  async #store(response: SvidResponse): Promise<void> {
    const credential: Held = { token: response.svid, jti: response.jti, issuedAt: this.#now(), expiresAt: response.expires_at * 1000, spiffeId: response.spiffe_id };
    this.#current = credential;
    try {
      await this.#o.onCredential?.(credential);
    } catch {
      // Reported by the callback itself; the credential in memory is good either way.
    }
  }

  #now(): number {
    return this.#o.now?.() ?? Date.now();
  }
}
