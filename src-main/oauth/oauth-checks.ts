// The pure checks of the authorization server: PKCE (S256 only), loopback redirect URIs,
// and token digests.
import { createHash, randomBytes } from 'node:crypto';
import { CharonError } from '../core/errors.js';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** RFC 7636 §4.1: 43-128 characters of the unreserved set. */
const VERIFIER = /^[A-Za-z0-9._~-]{43,128}$/;
/** base64url(SHA-256(verifier)): 43 characters. */
const CHALLENGE = /^[A-Za-z0-9_-]{43}$/;

export const sha256Hex = (value: string): string => createHash('sha256').update(value).digest('hex');
export const newSecret = (): string => randomBytes(32).toString('base64url');
export const newId = (prefix: string): string => `${prefix}_${randomBytes(16).toString('base64url')}`;

/** The authorization request's PKCE: S256 with a well-formed challenge, nothing else (no `plain`). */
export function checkChallenge(challenge: string | null, method: string | null): string {
  if (!challenge) throw new CharonError('ERR_OAUTH_PKCE_REQUIRED', 'PKCE is required: send code_challenge with code_challenge_method=S256');
  if (method !== 'S256') throw new CharonError('ERR_OAUTH_PKCE_REQUIRED', `PKCE method ${method ?? '(none, meaning plain)'} is not accepted: only S256`);
  if (!CHALLENGE.test(challenge)) throw new CharonError('ERR_OAUTH_PKCE_REQUIRED', 'code_challenge must be base64url(SHA-256(code_verifier)), 43 characters');
  return challenge;
}

/** The token request's verifier must hash to the challenge the authorization was opened with. */
export function checkVerifier(verifier: string | null, challenge: string): void {
  if (!verifier) throw new CharonError('ERR_OAUTH_PKCE_REQUIRED', 'code_verifier is required');
  if (!VERIFIER.test(verifier)) throw new CharonError('ERR_OAUTH_INVALID_GRANT', 'code_verifier is malformed');
  if (createHash('sha256').update(verifier).digest('base64url') !== challenge) throw new CharonError('ERR_OAUTH_INVALID_GRANT', 'code_verifier does not match the code_challenge');
}

/**
 * The redirect URIs a registration may keep: loopback ones. Others (a web client's
 * `https://vscode.dev/redirect` beside its loopback one) are dropped, as RFC 7591 §3.2.1 lets the
 * server replace requested values; none left is an error.
 */
export function acceptableRedirects(uris: readonly string[]): string[] {
  const kept = uris.filter((uri) => {
    try {
      checkLoopbackRedirect(uri);
      return true;
    } catch {
      return false;
    }
  });
  if (kept.length === 0) throw new CharonError('ERR_OAUTH_REDIRECT_URI_MISMATCH', 'redirect_uris: Charon runs on this machine, so it redirects only to http on a loopback address (127.0.0.1, localhost, [::1]); none was given');
  return [...new Set(kept)];
}

/**
 * The registered URI `requested` stands for: the same string, or for a loopback IP literal the
 * same URI on another port (RFC 8252 §7.3: a native app picks its port when it listens; OAuth 2.1
 * §8.4.2). Scheme, host, path and query must still match exactly. Null when none does.
 */
export function matchRedirect(registered: readonly string[], requested: string): string | null {
  if (registered.includes(requested)) return requested;
  let url: URL;
  try {
    url = new URL(requested);
  } catch {
    return null;
  }
  // Only the canonical form: no dot segments or default ports that would match after parsing.
  if (url.href !== requested || url.protocol !== 'http:' || (url.hostname !== '127.0.0.1' && url.hostname !== '[::1]') || url.hash || url.username || url.password) return null;
  const withoutPort = (u: URL): string => `${u.protocol}//${u.hostname}${u.pathname}${u.search}`;
  const found = registered.some((r) => {
    try {
      return withoutPort(new URL(r)) === withoutPort(url);
    } catch {
      return false;
    }
  });
  return found ? requested : null;
}

/** A redirect URI a native MCP client may register: plain http on a loopback address (RFC 8252 §7.3), no fragment. */
export function checkLoopbackRedirect(uri: string): string {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw new CharonError('ERR_OAUTH_REDIRECT_URI_MISMATCH', `Not a URL: ${uri.slice(0, 100)}`);
  }
  if (url.protocol !== 'http:' || !LOOPBACK_HOSTS.has(url.hostname) || url.hash || url.username || url.password) {
    throw new CharonError('ERR_OAUTH_REDIRECT_URI_MISMATCH', `Redirect URIs must be http on a loopback address (127.0.0.1, localhost, [::1]) without a fragment: ${uri.slice(0, 100)}`);
  }
  return uri;
}
