// What a TypeScript agent imports (`charon/agent-client`): attest, hold a DPoP key, renew, and talk MCP through the gateway.
export { CharonAgent, CharonRequestError, type CharonAgentOptions } from './charon-agent.js';
export { DpopKey } from './dpop-key.js';
