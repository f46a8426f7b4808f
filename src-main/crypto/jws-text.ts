const utf8 = new TextDecoder('utf-8', { fatal: true });
const BASE64URL = /^[A-Za-z0-9_-]*$/;

/** A base64url segment's bytes; null for characters outside the alphabet (Buffer's decoder would skip them, jose refuses them). */
export function base64urlBytes(segment: string): Buffer | null {
  if (!BASE64URL.test(segment) || segment.length % 4 === 1) return null;
  return Buffer.from(segment, 'base64url');
}

/** Segment `index` of a compact JWS decoded as strict UTF-8 (throws on bad base64url bytes or invalid UTF-8). */
export function segmentText(jws: string, index: number): string {
  return base64urlText(jws.split('.')[index] ?? '');
}

/** A base64url segment decoded as strict UTF-8 (throws on bad base64url bytes or invalid UTF-8). */
export function base64urlText(segment: string): string {
  const bytes = base64urlBytes(segment);
  if (!bytes) throw new TypeError('Invalid base64url segment');
  return utf8.decode(bytes);
}

/** `text` parsed as a JSON object (a JOSE header or claims set); throws for anything else. */
export function jsonObject(text: string): Record<string, unknown> {
  const parsed: unknown = JSON.parse(text);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new TypeError('not a JSON object');
  return parsed as Record<string, unknown>;
}
