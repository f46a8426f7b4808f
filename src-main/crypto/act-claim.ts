// Reading the RFC 8693 §4.1 `act` claim and the assurance claims (`acr`, `amr`) of a JWT-SVID.
import { CharonError } from '../core/errors.js';
import { parseSpiffeId } from '../core/spiffe-id.js';

/** Far above any configurable delegation depth; a deeper nesting is refused before it is walked further. */
export const MAX_ACT_NESTING = 32;

const invalid = (message: string): never => {
  throw new CharonError('ERR_JWT_CLAIM_INVALID', message);
};

/**
 * The actors of a delegated token, root first (the last is the current actor, the outermost
 * `act`). Each must be a SPIFFE id of this trust domain; `act` carries nothing else (RFC 8693:
 * claims other than identity claims inside `act` are not used).
 */
export function readActors(act: unknown, trustDomain: string): string[] {
  if (act === undefined) return [];
  const outermostFirst: string[] = [];
  let node: unknown = act;
  while (node !== undefined) {
    if (outermostFirst.length >= MAX_ACT_NESTING) invalid(`"act" nests more than ${MAX_ACT_NESTING} actors`);
    if (typeof node !== 'object' || node === null || Array.isArray(node)) return invalid('"act" must be an object');
    const { sub, act: inner, ...rest } = node as Record<string, unknown>;
    if (Object.keys(rest).length > 0) invalid(`"act" may carry only "sub" and "act", not ${Object.keys(rest).join(', ')}`);
    if (typeof sub !== 'string') return invalid('"act.sub" must be a SPIFFE id');
    let td: string;
    try {
      td = parseSpiffeId(sub).trustDomain;
    } catch {
      return invalid('"act.sub" is not a SPIFFE id');
    }
    if (td !== trustDomain) invalid('"act.sub" is not in this trust domain');
    outermostFirst.push(sub);
    node = inner;
  }
  return outermostFirst.reverse();
}

export function readAcr(acr: unknown): string | null {
  if (acr === undefined) return null;
  if (typeof acr !== 'string' || acr.length === 0 || acr.length > 128) return invalid('"acr" is invalid');
  return acr;
}

export function readAmr(amr: unknown): string[] {
  if (amr === undefined) return [];
  if (!Array.isArray(amr) || amr.length > 16 || !amr.every((m) => typeof m === 'string' && m.length > 0 && m.length <= 64)) return invalid('"amr" is invalid');
  return amr as string[];
}
