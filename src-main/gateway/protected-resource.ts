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

/** The root document: the agent API itself (RFC 9728 §3.3), which takes SVIDs from attestation; no authorization server issues for it. */
export function agentApiMetadata(origin: string): Record<string, unknown> {
  return {
    resource: origin,
    bearer_methods_supported: ['header'],
    dpop_signing_alg_values_supported: ['ES256', 'ES384', 'PS256', 'RS256', 'EdDSA'],
    dpop_bound_access_tokens_required: false,
    resource_name: 'Charon agent API (credentials from attestation: join tokens, Kubernetes service accounts)',
  };
}
