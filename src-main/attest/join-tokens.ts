import { createHash, randomBytes } from 'node:crypto';
import { CharonError } from '../core/errors.js';
import type { JoinTokenRepository } from '../core/ports.js';
import type { IdentityRecord, JoinTokenRecord } from '../core/records.js';
import { normalizeSelectors, sameSelectors, selectorsSatisfied } from '../core/selectors.js';

const PREFIX = 'cjt_';

export const hashJoinToken = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');

/** A random single-use secret (256 bits); only its hash is stored. */
export function newJoinToken(identity: IdentityRecord, selectors: readonly string[], now: number, ttlMs: number): { token: string; record: JoinTokenRecord } {
  const token = PREFIX + randomBytes(32).toString('base64url');
  return {
    token,
    record: { tokenHash: hashJoinToken(token), agentId: identity.id, selectors: normalizeSelectors(selectors), createdAt: now, expiresAt: now + ttlMs, usedAt: null },
  };
}

/**
 * Checks and consumes a join token for `identity`; runs inside the attestation transaction,
 * so a refused redemption leaves the token as it was. Returns the attested selectors.
 */
export function redeemJoinToken(
  repo: JoinTokenRepository,
  token: string,
  identity: IdentityRecord,
  presentedSelectors: readonly string[] | undefined,
  now: number,
): readonly string[] {
  const record = token.startsWith(PREFIX) && token.length < 128 ? repo.get(hashJoinToken(token)) : null;
  // A token for another agent is reported exactly like an unknown one: no oracle.
  if (!record || record.agentId !== identity.id) throw new CharonError('ERR_JOIN_TOKEN_INVALID', 'Unknown join token');
  if (record.usedAt !== null) throw new CharonError('ERR_JOIN_TOKEN_USED', 'This join token has already been used');
  if (record.expiresAt <= now) throw new CharonError('ERR_JOIN_TOKEN_EXPIRED', 'This join token has expired');
  if (presentedSelectors !== undefined && !sameSelectors(presentedSelectors, record.selectors)) {
    throw new CharonError('ERR_SELECTOR_MISMATCH', 'The presented selectors differ from the ones the join token is bound to');
  }
  if (!selectorsSatisfied(identity.selectors, record.selectors)) {
    throw new CharonError('ERR_SELECTOR_MISMATCH', "The join token's selectors no longer satisfy the identity's selectors");
  }
  if (!repo.markUsed(record.tokenHash, now)) throw new CharonError('ERR_JOIN_TOKEN_USED', 'This join token has already been used');
  return record.selectors;
}
