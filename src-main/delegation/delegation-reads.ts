// What the console reads of delegation: a token's provenance back to its owner, the graph of
// live and past hops, one hop. Nothing here issues, changes or records anything.
import type { DelegationGraphDto, DelegationTraceDto } from '../../src-shared/delegation.js';
import type { Clock } from '../core/clock.js';
import type { DelegationFilter, DelegationRecord, DelegationRepository } from '../core/delegation-ports.js';
import { CharonError } from '../core/errors.js';
import type { IdentityRepository } from '../core/ports.js';
import type { OwnerRepository } from '../core/reaper-ports.js';
import { agentSpiffeId, ownerSpiffeId } from '../core/spiffe-id.js';
import type { DelegationAuthority } from './delegation-service.js';
import { delegationGraph } from './graph.js';

export interface DelegationReadsDeps {
  readonly delegations: DelegationRepository;
  readonly identities: IdentityRepository;
  readonly owners: OwnerRepository;
  readonly authority: Pick<DelegationAuthority, 'verifyAsIssued'>;
  readonly clock: Clock;
  readonly trustDomain: string;
}

export class DelegationReads {
  readonly #d: DelegationReadsDeps;

  constructor(deps: DelegationReadsDeps) {
    this.#d = deps;
  }

  /** The chain of a token, root first, with what each hop was given (works for expired and revoked tokens too). */
  async trace(token: string): Promise<DelegationTraceDto> {
    const { jti } = await this.#d.authority.verifyAsIssued(token);
    const hop = this.#d.delegations.getByJti(jti);
    if (!hop) throw new CharonError('ERR_DELEGATION_NOT_FOUND', 'This token was not issued by a delegation');
    return {
      subject: ownerSpiffeId(this.#d.trustDomain, hop.ownerId),
      ownerId: hop.ownerId,
      actor: agentSpiffeId(this.#d.trustDomain, hop.agentId),
      jti,
      hops: this.#d.delegations.chain(hop.id),
    };
  }

  graph(filter: DelegationFilter): DelegationGraphDto {
    const d = this.#d;
    return delegationGraph(
      { trustDomain: d.trustDomain, hops: (f) => d.delegations.list(f), identity: (id) => d.identities.get(id), owner: (id) => d.owners.get(id) },
      { ...filter, now: d.clock.now() },
    );
  }

  get(id: string): DelegationRecord {
    const hop = this.#d.delegations.get(id);
    if (!hop) throw new CharonError('ERR_DELEGATION_NOT_FOUND', `No delegation ${id}`);
    return hop;
  }
}
