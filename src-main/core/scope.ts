/** The scope an MCP client asks for to use the gateway (OAuth), and that a scope challenge names. */
export const MCP_SCOPE = 'mcp';

/** OAuth scope: space-separated tokens (RFC 6749 §3.3), compared as sets. */
export function parseScope(scope: string): string[] {
  return scope.split(' ').filter((s) => s.length > 0);
}

export function formatScope(tokens: readonly string[]): string {
  return [...new Set(tokens)].sort().join(' ');
}

export function isScopeSubset(requested: readonly string[], allowed: readonly string[]): boolean {
  const have = new Set(allowed);
  return requested.every((s) => have.has(s));
}
