import { CharonError } from '../core/errors.js';

export type PresentedToken = { readonly scheme: 'Bearer' | 'DPoP'; readonly token: string };

// RFC 6750 §2.1 b64token; the scheme is case-insensitive (RFC 9110 §11.1).
const CREDENTIALS = /^(Bearer|DPoP) ([A-Za-z0-9\-._~+/]+=*)$/i;

/** Reads `Authorization: Bearer <t>` or `Authorization: DPoP <t>`; anything else is no credential. */
export function presentedToken(header: string | string[] | undefined): PresentedToken {
  if (header === undefined || header === '') throw new CharonError('ERR_UNAUTHENTICATED', 'An access token is required (Authorization: Bearer or DPoP)');
  if (Array.isArray(header)) throw new CharonError('ERR_UNAUTHENTICATED', 'Exactly one Authorization header is allowed');
  const match = CREDENTIALS.exec(header);
  if (!match?.[1] || !match[2]) throw new CharonError('ERR_UNAUTHENTICATED', 'Malformed Authorization header');
  return { scheme: match[1].toLowerCase() === 'dpop' ? 'DPoP' : 'Bearer', token: match[2] };
}
