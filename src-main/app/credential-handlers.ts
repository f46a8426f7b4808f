import type { OperatorHandlers } from '../../src-shared/operator-api.js';
import { CharonError } from '../core/errors.js';
import { agentSpiffeId } from '../core/spiffe-id.js';
import type { CredentialAuthority } from '../authority/credential-authority.js';
import type { Store } from '../store/store.js';
import type { CharonConfig } from './config.js';
import { LOCAL_OPERATOR, type OperatorContext } from './operator-context.js';

/** What `credentials.rotate` uses of the control plane. */
export interface CredentialHandlerDeps {
  readonly store: Pick<Store, 'credentials'>;
  readonly authority: Pick<CredentialAuthority, 'issue'>;
  readonly config: Pick<CharonConfig, 'trustDomain'>;
}

/**
 * `credentials.rotate`: the console's "Rotate" on a live credential. The new one has the same
 * audience, scope and DPoP key; the old one is ROTATED in the same commit (so it cannot be
 * rotated twice), and the rotation is refused like any issuance without an ACTIVE identity and a
 * fresh attestation. A delegated credential is renewed by its token exchange, not here.
 */
export function credentialHandlers(plane: CredentialHandlerDeps, who: OperatorContext = LOCAL_OPERATOR): Pick<OperatorHandlers, 'credentials.rotate'> {
  const { store, authority, config } = plane;
  return {
    'credentials.rotate': async ({ jti }) => {
      const current = store.credentials.get(jti);
      if (!current) throw new CharonError('ERR_CREDENTIAL_NOT_FOUND', `No credential ${jti}`);
      if (current.spiffeId !== agentSpiffeId(config.trustDomain, current.agentId)) {
        throw new CharonError('ERR_INVALID_INPUT', `Credential ${jti} was delegated; it is renewed by token exchange, not rotated by the operator`);
      }
      const request = { agentId: current.agentId, audience: current.audience, scope: current.scope.split(' ').filter(Boolean), dpopJkt: current.dpopJkt };
      return authority.issue(request, who.actor, current);
    },
  };
}
