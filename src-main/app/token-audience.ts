import { boundedMemo } from '../core/bounded-memo.js';

// The `aud` a token claims, read before verification only to choose which audience to verify it
// against (the verification itself then checks it, with the signature).
export const audienceOf = boundedMemo(1024, (token: string): string | undefined => {
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { aud?: unknown };
    return typeof payload.aud === 'string' ? payload.aud : undefined;
  } catch {
    return undefined;
  }
});

/**
 * RFC 8707: an access token issued through OAuth names the resource it is for (the gateway URL
 * the client asked for) as its audience, and is accepted only at that resource's path. Any
 * other token is verified against Charon's own audience, as everywhere else.
 */
export function resourceAudience(token: string, requestUrl: string): string | undefined {
  const aud = audienceOf(token);
  if (!aud || !/^https?:\/\//.test(aud)) return undefined;
  try {
    return new URL(aud).pathname === new URL(requestUrl).pathname ? aud : undefined;
  } catch {
    return undefined;
  }
}
