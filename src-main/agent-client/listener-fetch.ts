import { perRequestSignalFetch } from '../core/per-request-signal.js';
import { httpFetch } from './http-fetch.js';

/** A platform fetch whose AbortSignal lives exactly as long as this one request (see `CharonAgent.fetch`); the global fetch is looked up per call. */
const platformFetch = perRequestSignalFetch((input, init) => fetch(input, init));

/** Fetch for Charon's listener: node:http for plain-HTTP (loopback) URLs, the platform fetch otherwise. */
export function listenerFetch(url: string, init: RequestInit): Promise<Response> {
  return url.startsWith('http:') ? httpFetch(url, init) : platformFetch(url, init);
}
