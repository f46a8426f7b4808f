import { OAUTH_SCOPE } from './oauth-service.js';

/** Paths of the authorization server on the agent listener. */
export const OAUTH_PATHS = {
  metadata: '/.well-known/oauth-authorization-server',
  authorize: '/oauth/authorize',
  resume: '/oauth/authorize/resume',
  token: '/oauth/token',
  register: '/oauth/register',
  /** The keys of its JWT access tokens (RFC 9068), apart from the SPIFFE bundle. */
  jwks: '/oauth/jwks',
} as const;

/**
 * RFC 7662 introspection lives with the agent API: the caller authorizes with its own credential
 * (§2.1 allows an access token), a method the auth-methods registry has no name for, so
 * `introspection_endpoint_auth_methods_supported` is not claimed.
 */
const INTROSPECTION_PATH = '/v1/introspect';

/** RFC 8693: the grant type of a token exchange (delegation between agents). */
export const TOKEN_EXCHANGE_GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange';

/**
 * RFC 8414 metadata. The issuer is the listener's own loopback origin (plain http: it never
 * leaves the machine); public clients only, PKCE with S256 only, DPoP-bound tokens on request.
 */
export function authorizationServerMetadata(issuer: string): Record<string, unknown> {
  return {
    issuer,
    authorization_endpoint: `${issuer}${OAUTH_PATHS.authorize}`,
    token_endpoint: `${issuer}${OAUTH_PATHS.token}`,
    registration_endpoint: `${issuer}${OAUTH_PATHS.register}`,
    jwks_uri: `${issuer}${OAUTH_PATHS.jwks}`,
    response_types_supported: ['code'],
    response_modes_supported: ['query'],
    // The token endpoint also does RFC 8693 exchange (delegation between agents).
    grant_types_supported: ['authorization_code', 'refresh_token', TOKEN_EXCHANGE_GRANT],
    introspection_endpoint: `${issuer}${INTROSPECTION_PATH}`,
    code_challenge_methods_supported: ['S256'],
    token_endpoint_auth_methods_supported: ['none'],
    scopes_supported: [OAUTH_SCOPE],
    dpop_signing_alg_values_supported: ['ES256', 'ES384', 'PS256', 'RS256', 'EdDSA'],
    authorization_response_iss_parameter_supported: true,
    client_id_metadata_document_supported: true,
  };
}
