// The `htu` comparison of RFC 9449 §4.3 (check 9): the proof names the request URI without
// query and fragment, and both sides are compared after syntax-based and scheme-based
// normalization (RFC 3986 §6.2.2, §6.2.3), so two spellings of one URI match and nothing else does.

/** Printable ASCII only: WHATWG URL silently drops tabs and newlines, which a signed claim should not rely on. */
const PRINTABLE_ASCII = /^[\x21-\x7e]+$/;
const UNRESERVED = /[A-Za-z0-9\-._~]/;

/**
 * `scheme://host[:port]/path` of an http(s) URL, or null if `value` is not one.
 * - scheme and host lowercased, the scheme's default port dropped, an empty path becomes `/`
 *   (WHATWG URL does these, and resolves `.`/`..` segments, including `%2e` spellings);
 * - percent-escapes get uppercase hex, and escaped unreserved characters are decoded (§6.2.2.1-2);
 * - query and fragment are cut off; the path keeps its case and any trailing slash.
 * A URL with userinfo is refused: a request's target URI never has one (RFC 9110 §7.1).
 */
export function normalizeHtu(value: string): string | null {
  if (!PRINTABLE_ASCII.test(value)) return null;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  if (url.username !== '' || url.password !== '') return null;
  const path = url.pathname.replace(/%([0-9A-Fa-f]{2})/g, (_escape, hex: string) => {
    const char = String.fromCharCode(parseInt(hex, 16));
    return UNRESERVED.test(char) ? char : `%${hex.toUpperCase()}`;
  });
  return `${url.protocol}//${url.host}${path}`;
}
