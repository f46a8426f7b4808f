// What the HTTP adapter needs of the gateway, reached through the composition root.
export { McpGateway } from '../gateway/mcp-gateway.js';
export { agentApiMetadata, protectedResourceMetadata } from '../gateway/protected-resource.js';
export { challenges } from '../gateway/www-authenticate.js';
