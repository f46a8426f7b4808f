// A client's `client_name` is whatever the client says it is (RFC 7591 registration is open):
// shown to the owner, it must not be able to rewrite the consent card around it. Control
// characters and newlines, bidirectional overrides and isolates (which reorder what follows),
// and invisible format characters are removed; whitespace runs become one space.
const HIDDEN = /[\p{Cc}\u061C\u200B-\u200F\u202A-\u202E\u2060-\u2069\uFEFF]/gu;

export const CLIENT_NAME_MAX = 100;

/** The name as shown (never empty: "MCP client" when nothing printable is left). */
export function displayClientName(raw: unknown): string {
  if (typeof raw !== 'string') return 'MCP client';
  const cleaned = raw.replace(HIDDEN, ' ').replace(/\s+/gu, ' ').trim();
  return [...cleaned].slice(0, CLIENT_NAME_MAX).join('').trim() || 'MCP client';
}
