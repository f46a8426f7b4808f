// What the HTTP adapter needs of the authorization server, reached through the composition root.
export { authorizationServerMetadata, OAUTH_PATHS, TOKEN_EXCHANGE_GRANT } from '../oauth/metadata.js';
export { OAUTH_SCOPE, oauthErrorOf, type AuthorizeOutcome } from '../oauth/oauth-service.js';
