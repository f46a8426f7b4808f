// OAuth Client ID Metadata Documents (draft-ietf-oauth-client-id-metadata-document, the MCP
// authorization spec's preferred registration since 2025-11-25): the client_id is an https URL
// and the document served there says who the client is and where it may be redirected.
import { CharonError } from '../core/errors.js';
import { displayClientName } from './client-name.js';
import { acceptableRedirects } from './oauth-checks.js';

export interface ClientMetadata {
  readonly clientId: string;
  readonly name: string;
  readonly redirectUris: readonly string[];
}

const invalid = (why: string): CharonError => new CharonError('ERR_OAUTH_INVALID_CLIENT', `client_id metadata document: ${why}`);

/** Whether the client_id names a metadata document rather than a registration of ours. */
export const isMetadataClientId = (clientId: string): boolean => clientId.startsWith('https://');

/** §3: https, a path, no fragment, no credentials, no dot segments; the URL as sent is its own canonical form. */
export function checkClientIdUrl(clientId: string): URL {
  let url: URL;
  try {
    url = new URL(clientId);
  } catch {
    throw invalid('the client_id is not a URL');
  }
  if (clientId.length > 2048) throw invalid('the client_id URL is too long');
  if (url.protocol !== 'https:') throw invalid('the client_id URL must be https');
  if (url.pathname === '/' || url.hash || clientId.includes('#') || url.username || url.password) throw invalid('the client_id URL needs a path, and no fragment or credentials');
  if (/\/\.\.?(?:\/|$)/.test(clientId.slice(url.origin.length)) || url.href !== clientId) throw invalid('the client_id URL must be in canonical form (no dot segments)');
  return url;
}

/** §4: the document must name itself, be for a public client, and offer a loopback redirect. */
export function parseClientMetadata(clientId: string, body: unknown): ClientMetadata {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw invalid('not a JSON object');
  const doc = body as Record<string, unknown>;
  if (doc.client_id !== clientId) throw invalid('its client_id is not the URL it was fetched from');
  if ('client_secret' in doc || 'client_secret_expires_at' in doc) throw invalid('a metadata document must not carry a client secret');
  const method = doc.token_endpoint_auth_method ?? 'none';
  if (method !== 'none') throw invalid(`token_endpoint_auth_method ${JSON.stringify(method).slice(0, 40)} is not offered: only none (a public client with PKCE)`);
  const grants = doc.grant_types ?? ['authorization_code'];
  if (!Array.isArray(grants) || !grants.every((g) => g === 'authorization_code' || g === 'refresh_token')) throw invalid('grant_types: only authorization_code and refresh_token are offered');
  if (doc.response_types !== undefined && (!Array.isArray(doc.response_types) || !doc.response_types.every((r) => r === 'code'))) throw invalid('response_types: only code is offered');
  const uris = doc.redirect_uris;
  if (!Array.isArray(uris) || uris.length === 0 || uris.length > 16 || !uris.every((u): u is string => typeof u === 'string' && u.length <= 512)) {
    throw invalid('redirect_uris: 1 to 16 URIs are required');
  }
  let redirectUris: string[];
  try {
    redirectUris = acceptableRedirects(uris);
  } catch (error) {
    throw invalid(error instanceof Error ? error.message : String(error));
  }
  const host = new URL(clientId).host;
  // The owner reads the host the document was fetched from beside the name the client chose.
  return { clientId, name: `${displayClientName(doc.client_name)} (${host})`, redirectUris };
}
