/** RFC 9728 protected-resource metadata for the gateway, so MCP clients discover how to authenticate. */
export function protectedResourceMetadata(resource: string, authorizationServer: string, scopes: readonly string[]): Record<string, unknown> {
  return {
    resource,
    authorization_servers: [authorizationServer],
    bearer_methods_supported: ['header'],
    scopes_supported: scopes,
    dpop_signing_alg_values_supported: ['ES256', 'ES384', 'PS256', 'RS256', 'EdDSA'],
    dpop_bound_access_tokens_required: false,
    resource_name: 'Charon MCP gateway',
  };
}

/** Where the metadata for `resourcePath` lives (RFC 9728 §3.1: the well-known prefix, then the path). */
export const metadataPathFor = (resourcePath: string): string => `/.well-known/oauth-protected-resource${resourcePath}`;
