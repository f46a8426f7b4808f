const utf8 = new TextDecoder('utf-8', { fatal: true });
const BASE64URL = /^[A-Za-z0-9_-]*$/;

/** Segment `index` of a compact JWS decoded as strict UTF-8 (throws on bad base64url bytes or invalid UTF-8). */
export function segmentText(jws: string, index: number): string {
  const segment = jws.split('.')[index] ?? '';
  // Buffer's decoder skips characters outside the alphabet: refuse them first, as jose does.
  if (!BASE64URL.test(segment) || segment.length % 4 === 1) throw new TypeError('Invalid base64url segment');
  return utf8.decode(Buffer.from(segment, 'base64url'));
}
