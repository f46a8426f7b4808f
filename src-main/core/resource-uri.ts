// A resource URI in the one form the policy matches: what the downstream will act on, with
// nothing left that a second reader could decode into another path. WHATWG parsing removes
// dot segments, but keeps "%2f" (and "%2e", "%5c") as written, and a server that decodes them
// afterwards reads "docs:///public/..%2fsecret" as a path outside /public/. So those, a double
// encoding ("%25…"), backslashes, and any dot segment the parser left (an opaque path) are
// refused rather than guessed at: a grant glob only ever sees a URI with one meaning.

// Percent-encoded ".", "/", "\" and "%" itself (the start of a double encoding).
const ENCODED_SEPARATOR = /%(?:2e|2f|5c|25)/i;

/** Why a URI cannot be matched safely, or null if it can. */
export function resourceUriProblem(uri: string): string | null {
  if (ENCODED_SEPARATOR.test(uri)) return 'it contains a percent-encoded ".", "/", "\\" or "%"';
  if (uri.includes('\\')) return 'it contains a backslash';
  const path = uri.replace(/^[A-Za-z][A-Za-z0-9+.-]*:/, '').split(/[?#]/, 1)[0] ?? '';
  if (path.split('/').some((segment) => segment === '.' || segment === '..')) return 'it contains a "." or ".." segment';
  return null;
}

/**
 * The URI as a WHATWG URL parser (the SDK's servers among them) reads it, dot segments removed;
 * null if it is not an absolute URI or cannot be matched safely (resourceUriProblem).
 */
export function normalizeResourceUri(raw: string): string | null {
  if (ENCODED_SEPARATOR.test(raw) || raw.includes('\\')) return null;
  let href: string;
  try {
    href = new URL(raw).href;
  } catch {
    return null;
  }
  return resourceUriProblem(href) === null ? href : null;
}
