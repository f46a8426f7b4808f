// The check every use of a delegated token goes through (the gateway, the agent listener,
// introspection): the token must be exactly its stored chain, the chain must still narrow at
// every hop, and every actor in it (and the owner at its root) must still be ACTIVE. Revoking,
// idling or killing any agent in the middle therefore denies every descendant's next call.
import type { Acr } from '../../src-shared/delegation.js';
import type { ChainState } from '../core/delegation-ports.js';
import { CharonError } from '../core/errors.js';
import type { CredentialRecord } from '../core/records.js';
import { agentSpiffeId, ownerSpiffeId } from '../core/spiffe-id.js';
import type { VerifiedSvid } from '../crypto/jwt-svid-verify.js';
import { acrRank, hopTermsRefusal, type Refusal } from './attenuation.js';

export interface ChainCheckOptions {
  readonly trustDomain: string;
  readonly maxDepth: number;
  /** The weakest assurance a verifier accepts (null: any). */
  readonly minAcr: Acr | null;
  /** Whether the hop's authority narrows its parent's (the stored authorities never change: cacheable). */
  readonly authorityRefusal: (hopId: string) => Refusal | null;
}

const refuse = (r: Refusal): never => {
  throw new CharonError(r.code, r.message);
};
const forged = (message: string): never => refuse({ code: 'ERR_DELEGATION_CHAIN_INVALID', message });

export function checkChain(svid: VerifiedSvid, credential: CredentialRecord, chain: ChainState | null, o: ChainCheckOptions): void {
  if (chain === null) return forged('This token carries an "act" chain that was never issued');
  const hops = chain.hops;
  const leaf = hops[hops.length - 1];
  if (!leaf || leaf.id !== chain.hopId) return forged('The stored chain of this token is incomplete');
  // The token must say exactly what was issued: same owner, same actors in the same order.
  if (svid.spiffeId !== ownerSpiffeId(o.trustDomain, chain.ownerId)) forged('"sub" is not the owner at the root of the chain');
  if (svid.actors.length !== hops.length || hops.some((h, i) => svid.actors[i] !== agentSpiffeId(o.trustDomain, h.agentId))) forged('"act" does not match the chain this token was issued for');
  if (credential.agentId !== leaf.agentId) forged('The token is not held by the last actor of its chain');
  if (svid.scope !== leaf.scope || svid.env !== leaf.environment || svid.acr !== leaf.acr || svid.dpopJkt !== leaf.dpopJkt || svid.expiresAt > leaf.expiresAt) {
    forged('The token does not carry the terms of its hop');
  }
  if (hops.length > o.maxDepth) refuse({ code: 'ERR_DELEGATION_DEPTH_EXCEEDED', message: `The chain is ${hops.length} hops deep; at most ${o.maxDepth} are allowed` });
  if (chain.ownerState !== 'ACTIVE') refuse({ code: 'ERR_DELEGATION_OWNER_INACTIVE', message: `The owner ${chain.ownerId} at the root of the chain is ${chain.ownerState}` });
  hops.forEach((hop, i) => {
    const parent = i > 0 ? hops[i - 1] : undefined;
    if (hop.depth !== i + 1 || hop.parentId !== (parent?.id ?? null)) forged('The stored chain is not a path from its root');
    if (hop.state !== 'ACTIVE') refuse({ code: 'ERR_DELEGATION_REVOKED', message: `Hop ${hop.id} (to ${hop.agentId}) of the chain was revoked` });
    if (hop.agentState !== 'ACTIVE') refuse({ code: 'ERR_DELEGATION_ACTOR_INACTIVE', message: `Agent ${hop.agentId} in the chain is ${hop.agentState ?? 'unknown'}` });
    if (parent) {
      const widened = hopTermsRefusal(hop, parent);
      if (widened) refuse({ code: widened.code, message: `Hop ${hop.id}: ${widened.message}` });
    }
    if (hop.narrowed) {
      const widened = o.authorityRefusal(hop.id);
      if (widened) refuse({ code: widened.code, message: `Hop ${hop.id}: ${widened.message}` });
    }
  });
  if (o.minAcr !== null && acrRank(svid.acr) < acrRank(o.minAcr)) {
    refuse({ code: 'ERR_DELEGATION_ASSURANCE_TOO_LOW', message: `The owner's assurance ${svid.acr ?? 'none'} is below the required ${o.minAcr}` });
  }
}
