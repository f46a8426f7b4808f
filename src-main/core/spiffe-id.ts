import { CharonError } from './errors.js';

// SPIFFE-ID spec §2: lowercase trust domain of [a-z0-9.-_], path segments of [A-Za-z0-9.-_],
// no empty, "." or ".." segments, no query/fragment/port/userinfo, at most 2048 bytes.
const TRUST_DOMAIN = /^[a-z0-9._-]{1,255}$/;
const SEGMENT = /^[A-Za-z0-9._-]+$/;

export interface SpiffeId {
  readonly trustDomain: string;
  readonly path: readonly string[];
}

export function isValidTrustDomain(td: string): boolean {
  return TRUST_DOMAIN.test(td);
}

export function parseSpiffeId(value: string): SpiffeId {
  if (value.length > 2048 || !value.startsWith('spiffe://')) {
    throw new CharonError('ERR_INVALID_INPUT', 'Not a SPIFFE ID: must start with spiffe:// and be at most 2048 bytes');
  }
  const rest = value.slice('spiffe://'.length);
  const slash = rest.indexOf('/');
  const trustDomain = slash === -1 ? rest : rest.slice(0, slash);
  if (!isValidTrustDomain(trustDomain)) {
    throw new CharonError('ERR_INVALID_INPUT', 'Not a SPIFFE ID: invalid trust domain');
  }
  if (slash === -1) return { trustDomain, path: [] };
  const segments = rest.slice(slash + 1).split('/');
  for (const segment of segments) {
    if (!SEGMENT.test(segment) || segment === '.' || segment === '..') {
      throw new CharonError('ERR_INVALID_INPUT', 'Not a SPIFFE ID: invalid path segment');
    }
  }
  return { trustDomain, path: segments };
}

export function formatSpiffeId(trustDomain: string, ...path: string[]): string {
  if (!isValidTrustDomain(trustDomain)) throw new TypeError(`invalid trust domain ${trustDomain}`);
  for (const segment of path) {
    if (!SEGMENT.test(segment) || segment === '.' || segment === '..') throw new TypeError(`invalid SPIFFE path segment ${segment}`);
  }
  return path.length === 0 ? `spiffe://${trustDomain}` : `spiffe://${trustDomain}/${path.join('/')}`;
}

export const agentSpiffeId = (trustDomain: string, agentId: string): string => formatSpiffeId(trustDomain, 'agent', agentId);
export const ownerSpiffeId = (trustDomain: string, ownerId: string): string => formatSpiffeId(trustDomain, 'owner', ownerId);

/** The agent id of `spiffe://<td>/agent/<id>` in the given trust domain, or null. */
export function agentIdOf(trustDomain: string, spiffeId: string): string | null {
  let parsed: SpiffeId;
  try {
    parsed = parseSpiffeId(spiffeId);
  } catch {
    return null;
  }
  if (parsed.trustDomain !== trustDomain || parsed.path.length !== 2 || parsed.path[0] !== 'agent') return null;
  return parsed.path[1] ?? null;
}
