/** The team console's origin for its DNS name and port (its WebAuthn origin, and its invite links). */
export const consoleOrigin = (c: { name: string; port: number }): string => `https://${c.name}${c.port === 443 ? '' : `:${c.port}`}`;
