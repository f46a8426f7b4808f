// What the remote console's listener needs from the control plane: operators' sign-in, and the
// operator contract as each signed-in operator may use it (team-handlers.ts), built once per
// operator and role. Also which live audit records an operator may see.
import type { AuditEventDto } from '../../src-shared/dto.js';
import type { OperatorHandlers } from '../../src-shared/operator-api.js';
import type { OperatorService } from '../approvals/operators.js';

export { SESSION_TTL_MS, type SignedIn } from '../approvals/operators.js';
import type { RelyingParty } from '../approvals/passkeys.js';
import type { OperatorRecord } from '../core/operator-records.js';
import type { GrantService } from '../grants/grant-service.js';
import { operatorHandlers, type OperatorHandlerDeps } from './operator-handlers.js';
import { consoleOrigin } from './console-origin.js';
import { auditVisible, teamHandlers, teamSigner } from './team-handlers.js';

export interface TeamConsole {
  /** The console's relying party: its name, and its origin once the listener has its port. */
  readonly rp: RelyingParty;
  /** Told the port the listener got (a configured 0 picks a free one). */
  listening(port: number): void;
  readonly operators: OperatorService;
  handlersFor(operator: OperatorRecord): OperatorHandlers;
  /** Whether a live audit record concerns what this operator may see. */
  sees(operator: OperatorRecord, event: AuditEventDto): boolean;
}

/** What the team console uses of the control plane: the operator contract's part, and the grants it scopes by. */
export type TeamConsoleDeps = OperatorHandlerDeps & { readonly grants: GrantService };

export function teamConsole(plane: TeamConsoleDeps, name: string, configuredPort: number): TeamConsole {
  let port = configuredPort;
  const rp: RelyingParty = {
    id: name,
    get origins() {
      return [consoleOrigin({ name, port })];
    },
  };
  const cache = new Map<string, OperatorHandlers>();
  return {
    rp,
    listening(actual) {
      port = actual;
    },
    operators: plane.approvals.operators,
    handlersFor(operator) {
      const key = `${operator.id}\u0000${operator.role}`;
      let handlers = cache.get(key);
      if (!handlers) {
        handlers = teamHandlers(operator, {
          handlers: operatorHandlers(plane, teamSigner(operator, rp)),
          identities: plane.store.identities,
          requests: { get: (id) => plane.approvals.requests.find(id) },
          grants: plane.grants,
          quorum: plane.config.quorum,
          trustDomain: plane.config.trustDomain,
          audit: plane.audit,
        });
        cache.set(key, handlers);
      }
      return handlers;
    },
    sees: (operator, event) => auditVisible(operator, event, { identities: plane.store.identities, quorum: plane.config.quorum, trustDomain: plane.config.trustDomain }),
  };
}
