import { boundedMemo } from '../core/bounded-memo.js';
import { hasDuplicateKeys } from '../core/json-duplicate-keys.js';
import { base64urlText, jsonObject } from './jws-text.js';

/** The JOSE header parameters a JWT-SVID (and Charon's access token) may carry. */
export const ALLOWED_HEADERS: ReadonlySet<string> = new Set(['alg', 'kid', 'typ']);
/** A handful of keys and two kinds of token: a few distinct headers in use; past this many, the oldest is forgotten. */
const MAX_ENTRIES = 64;
/** Charon's headers are about 120 characters; a longer one (anyone may send one) is checked but not kept. */
const MAX_KEPT_LENGTH = 512;

/** A header segment parsed and checked: the same object for the same text while remembered. */
const remembered = boundedMemo(MAX_ENTRIES, parse);

/**
 * The header segment of a compact JWS, parsed, when it is strict base64url of UTF-8 JSON naming
 * no member twice and only `alg`, `kid` and `typ`; null otherwise (the caller reads it again
 * to say what is wrong). Every token signed by one key has the same header text: it is
 * decoded, parsed and checked once, not per token. The checks of the values (alg, typ, kid) stay
 * with the caller, on the returned object.
 */
export function wellFormedHeader(segment: string): Readonly<Record<string, unknown>> | null {
  return segment.length > MAX_KEPT_LENGTH ? parse(segment) : remembered(segment);
}

function parse(segment: string): Readonly<Record<string, unknown>> | null {
  let header: Record<string, unknown>;
  let text: string;
  try {
    text = base64urlText(segment);
    header = jsonObject(text);
  } catch {
    return null;
  }
  if (hasDuplicateKeys(text)) return null;
  for (const name of Object.keys(header)) if (!ALLOWED_HEADERS.has(name)) return null;
  return Object.freeze(header);
}
