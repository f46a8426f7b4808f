// An MCP client's side of OAuth in node tests: the SDK's OAuthClientProvider kept in memory
// (it "opens the browser" by remembering the URL), and the browser steps done with fetch.
import type { OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js';
import type { OAuthClientInformationMixed, OAuthClientMetadata, OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js';

export const REDIRECT_URI = 'http://127.0.0.1:53682/callback';

export class MemoryOAuthProvider implements OAuthClientProvider {
  authorizationUrl: URL | undefined;
  #client: OAuthClientInformationMixed | undefined;
  #tokens: OAuthTokens | undefined;
  #verifier = '';

  get redirectUrl(): string {
    return REDIRECT_URI;
  }

  get clientMetadata(): OAuthClientMetadata {
    return { client_name: 'SDK test client', redirect_uris: [REDIRECT_URI], grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'], token_endpoint_auth_method: 'none' };
  }

  state(): string {
    return 'state-123';
  }

  clientInformation(): OAuthClientInformationMixed | undefined {
    return this.#client;
  }

  saveClientInformation(info: OAuthClientInformationMixed): void {
    this.#client = info;
  }

  tokens(): OAuthTokens | undefined {
    return this.#tokens;
  }

  saveTokens(tokens: OAuthTokens): void {
    this.#tokens = tokens;
  }

  redirectToAuthorization(url: URL): void {
    this.authorizationUrl = url;
  }

  saveCodeVerifier(verifier: string): void {
    this.#verifier = verifier;
  }

  codeVerifier(): string {
    return this.#verifier;
  }
}

/** The browser opening the authorization URL: the waiting page names the grant request the owner must approve. */
export async function openAuthorization(url: URL | string): Promise<{ status: number; requestId: string | null; location: string | null; body: string }> {
  const res = await fetch(url, { redirect: 'manual' });
  return { status: res.status, requestId: res.headers.get('x-charon-grant-request'), location: res.headers.get('location'), body: await res.text() };
}

/** The waiting page continuing after the owner decided: the redirect back to the client. */
export async function resumeAuthorization(waitingPage: string, base: string): Promise<URL> {
  const href = /href="([^"]+)"/.exec(waitingPage)?.[1]?.replace(/&#38;/g, '&');
  if (!href) throw new Error('no continue link on the waiting page');
  const res = await fetch(new URL(href, base), { redirect: 'manual' });
  const location = res.headers.get('location');
  if (res.status !== 302 || !location) throw new Error(`expected a redirect, got ${res.status}: ${await res.text()}`);
  return new URL(location);
}
