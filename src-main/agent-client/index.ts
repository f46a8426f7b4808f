// What a TypeScript agent imports (`charon/agent-client`): attest, hold a DPoP key, renew, and talk MCP through the gateway.
export { CharonAgent, CharonRequestError, type AgentCredential, type CharonAgentOptions } from './charon-agent.js';
export { readCredentialFile, writeCredentialFile, type CredentialState } from './credential-file.js';
export { DpopKey } from './dpop-key.js';
export { BridgeError, JSONRPC_REFUSED, startStdioBridge, toBridgeError, type StdioBridge, type StdioBridgeOptions } from './stdio-bridge.js';
export { DelegatedToken, TokenExchangeError, type DelegateOptions, type DelegatedTokenOptions, type ExchangeResponse } from './delegated-token.js';
