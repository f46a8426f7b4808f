import { exportAudit } from './audit-export.js';
import type { OperatorHandlers } from '../../src-shared/operator-api.js';
import type { AttestationService } from '../attest/attestation-service.js';
import type { CredentialAuthority } from '../authority/credential-authority.js';
import type { KeyManagement } from '../authority/key-management.js';
import type { KeyProtection } from '../crypto/master-key.js';
import type { IdentityService } from '../identity/identity-service.js';
import type { Store } from '../store/store.js';
import type { AgentApi } from './agent-api.js';
import { approvalHandlers, type ApprovalHandlerDeps } from './approval-handlers.js';
import type { ApprovalStack } from './approval-wiring.js';
import type { AuditExportDeps } from './audit-export.js';
import type { CharonConfig } from './config.js';
import { credentialHandlers, type CredentialHandlerDeps } from './credential-handlers.js';
import { delegationHandlers, type DelegationHandlerDeps } from './delegation-handlers.js';
import { grantHandlers, type GrantHandlerDeps } from './grant-handlers.js';
import { jitHandlers, type JitHandlerDeps } from './jit-handlers.js';
import { reaperHandlers, type ReaperHandlerDeps } from './reaper-handlers.js';
import { serverHandlers, type ServerHandlerDeps } from './server-handlers.js';
import { LOCAL_OPERATOR, type OperatorContext } from './operator-context.js';

/** What the operator contract uses of the control plane: each handler file's part, and these. */
export type OperatorHandlerDeps = GrantHandlerDeps &
  ServerHandlerDeps &
  CredentialHandlerDeps &
  ReaperHandlerDeps &
  ApprovalHandlerDeps &
  DelegationHandlerDeps &
  JitHandlerDeps &
  AuditExportDeps & {
    readonly identities: IdentityService;
    readonly attestation: Pick<AttestationService, 'createJoinToken'>;
    readonly authority: CredentialAuthority;
    readonly keys: KeyManagement;
    readonly accessKeys: Pick<KeyManagement, 'rotate'>;
    readonly store: Store;
    readonly config: CharonConfig;
    readonly endpoints: { readonly agentUrl?: string; readonly bridgeUrl?: string };
    readonly keyProtection: KeyProtection;
    readonly agentApi: Pick<AgentApi, 'introspect'>;
    readonly approvals: ApprovalStack;
  };

/** Every operator method, over the control plane; inputs arrive validated. */
export function operatorHandlers(plane: OperatorHandlerDeps, who: OperatorContext = LOCAL_OPERATOR): OperatorHandlers {
  const { identities, attestation, authority, keys, checkpointer, store, config } = plane;
  return {
    'status.get': async () => ({
      trustDomain: config.trustDomain,
      issuer: config.issuer,
      audience: config.audience,
      agentUrl: plane.endpoints.agentUrl ?? null,
      bridgeUrl: plane.endpoints.bridgeUrl ?? null,
      dataDir: config.dataDir,
      store: { kind: store.kind, location: store.db.name },
      ttlCapsSeconds: config.ttlCapsSeconds,
      counts: store.identities.countByState(),
      auditHeadSeq: store.audit.head()?.seq ?? 0,
      keyProtection: plane.keyProtection,
    }),
    'identities.register': async (input) => identities.register(input, who.actor),
    'identities.list': async (input) => identities.list(input),
    'identities.get': async ({ id }) => identities.get(id),
    'identities.transition': async ({ id, to, reason }) => identities.transition(id, to, who.actor, reason),
    'identities.revoke': async ({ id, reason }) => identities.transition(id, 'REVOKED', who.actor, reason),
    'identities.kill': async ({ id, reason }) => {
      const { identity, revokedCredentials } = identities.kill(id, who.actor, reason);
      return { identity: identity, revokedCredentials };
    },
    'joinTokens.create': async ({ agentId, selectors, ttlSeconds }) => attestation.createJoinToken(agentId, selectors, ttlSeconds, who.actor),
    'credentials.issue': async (input) => {
      const { token, credential } = await authority.issue(input, who.actor);
      return { token, credential: credential };
    },
    'credentials.list': async (input) => authority.list(input),
    'credentials.revoke': async ({ jti, reason }) => authority.revoke(jti, who.actor, reason),
    'credentials.introspect': async ({ token }) => plane.agentApi.introspect(token),
    'credentials.verify': async ({ token, audience }) => {
      const v = await authority.verify(token, audience, 'any');
      return { jti: v.jti, agentId: v.credential.agentId, spiffeId: v.spiffeId, audience: v.audience, scope: v.scope, environment: v.env, expiresAt: v.expiresAt, kid: v.kid };
    },
    'keys.list': async () => keys.list(),
    'keys.rotate': async ({ reason }) => (await keys.rotate(who.actor, reason)).key,
    // Rotate and revoke everything: with a passkey enrolled, only with a fresh assertion.
    'keys.emergencyRotateBegin': async () => (plane.approvals.passkeys.hasAny(who.signer) ? plane.approvals.passkeys.stepUpBegin('keys.emergencyRotate', undefined, who.signer) : null),
    'keys.emergencyRotate': async ({ reason, ceremonyId, assertion }) => {
      await plane.approvals.passkeys.stepUp('keys.emergencyRotate', ceremonyId, assertion, who.actor, undefined, who.signer);
      const rotated = await keys.rotate(who.actor, reason, true);
      // The authorization server's keys (delegated and OAuth tokens) leave their JWKS at once too.
      await plane.accessKeys.rotate(who.actor, reason, true);
      return rotated;
    },
    'trustBundle.get': async () => keys.bundle(),
    'audit.list': async (input) => store.audit.list(input),
    'audit.export': async () => {
      const lines: string[] = [];
      const verify = await exportAudit(plane, (line) => lines.push(line));
      return { jsonl: `${lines.join('\n')}\n`, verify };
    },
    'audit.verify': async () => checkpointer.verify(),
    'operators.list': async () => plane.approvals.operators.list(),
    'operators.invite': async ({ id, role }) => plane.approvals.operators.invite(id, role, who.actor),
    'operators.remove': async ({ id }) => plane.approvals.operators.remove(id, who.actor),
    ...grantHandlers(plane, who),
    ...serverHandlers(plane, who),
    ...credentialHandlers(plane, who),
    ...reaperHandlers(plane, who),
    ...approvalHandlers(plane, who),
    ...delegationHandlers(plane, who),
    ...jitHandlers(plane, who),
  };
}
