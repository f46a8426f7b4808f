import { base64url } from 'jose';

/** Segment `index` of a compact JWS decoded as strict UTF-8 (throws on bad base64url bytes or invalid UTF-8). */
export const segmentText = (jws: string, index: number): string => new TextDecoder('utf-8', { fatal: true }).decode(base64url.decode(jws.split('.')[index] ?? ''));
