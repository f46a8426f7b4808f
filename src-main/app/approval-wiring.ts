// Passkeys and grant approvals, wired: SQLite repositories over the store's connection, the
// grant service behind a port (approvals does not import grants), the console's origin.
import { ApprovalService } from '../approvals/approval-service.js';
import { GrantRequests, type AutoApproveRule } from '../approvals/grant-requests.js';
import type { GrantPort } from '../approvals/request-state.js';
import { OperatorService } from '../approvals/operators.js';
import { PasskeyService } from '../approvals/passkeys.js';
import type { QuorumRule } from '../core/quorum.js';
import { sqliteSignatureRepository } from '../store/approval-signature-repository.js';
import { sqliteCeremonyRepository } from '../store/ceremony-repository.js';
import { sqliteOperatorRepository } from '../store/operator-repository.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { Clock } from '../core/clock.js';
import type { GrantRecord } from '../core/records.js';
import type { GrantService } from '../grants/grant-service.js';
import { sqliteApprovalRepository, sqliteGrantRequestRepository, sqlitePasskeyRepository } from '../store/approval-repository.js';
import type { Store } from '../store/sqlite-store.js';

export interface ApprovalStack {
  readonly passkeys: PasskeyService;
  readonly approvals: ApprovalService;
  /** The agent's side: requests for grants, withdrawals, auto-approval of dev/test ones. */
  readonly requests: GrantRequests;
  /** Team mode: operators, their invites, sign-in and sessions. */
  readonly operators: OperatorService;
}

export function wireApprovals(deps: {
  store: Store;
  audit: AuditLog;
  clock: Clock;
  grants: GrantService;
  /** Told of each grant approvals create, after the assertion was verified (prod-approval-gate.ts). */
  created: (grant: Pick<GrantRecord, 'id' | 'agentId' | 'spec'>) => void;
  autoApprove: readonly AutoApproveRule[];
  /** The console's origins (the bridge's `http://localhost:<port>`, configured extras). */
  origins: () => readonly string[];
  quorum: readonly QuorumRule[];
  /** The remote console's enrolment address for an invite, if there is a console. */
  inviteUrl: (code: string) => string | null;
}): ApprovalStack {
  const { store, audit, clock, grants } = deps;
  const passkeyRecords = sqlitePasskeyRepository(store.db);
  const ceremonies = sqliteCeremonyRepository(store.db);
  const passkeys = new PasskeyService({ passkeys: passkeyRecords, meta: store.meta, tx: store, audit, clock, origins: deps.origins, ceremonies });
  const requests = sqliteGrantRequestRepository(store.db);
  const approvalRecords = sqliteApprovalRepository(store.db);
  const grantPort: GrantPort = {
    create: (spec, actor) => {
      const grant = grants.create(spec, actor);
      deps.created(grants.get(grant.id));
      return grant;
    },
    get: (id) => grants.get(id),
    active: (agentId) => grants.activeGrantsFor(agentId, clock.now()),
  };
  const approvals = new ApprovalService({
    requests,
    approvals: approvalRecords,
    passkeyRecords,
    passkeys,
    identities: store.identities,
    grants: grantPort,
    tx: store,
    audit,
    clock,
    signatures: sqliteSignatureRepository(store.db),
    ceremonies,
    quorum: () => deps.quorum,
  });
  const grantRequests = new GrantRequests({
    requests,
    approvals: approvalRecords,
    identities: store.identities,
    grants: grantPort,
    tx: store,
    audit,
    clock,
    autoApprove: deps.autoApprove,
    closed: (requestId) => approvals.dropCeremoniesOf(requestId),
  });
  const operators = new OperatorService({ operators: sqliteOperatorRepository(store.db), passkeys: passkeyRecords, tx: store, audit, clock, ceremonies, inviteUrl: deps.inviteUrl });
  return { passkeys, approvals, requests: grantRequests, operators };
}
