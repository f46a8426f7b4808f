// The operator API, defined once: IPC handlers, the preload, the headless bridge, the CLI
// and the renderer all use this table. Inputs are validated with these schemas on every
// boundary; outputs come from the main process and are typed only.
import type { ErrorCode } from './errors.js';
import type { z } from 'zod';
import type { OperatorMethod } from './operator-methods.js';
import type {
  AuditEventDto,
  AuditVerifyDto,
  CredentialDto,
  IdentityDto,
  IntrospectionDto,
  IssuedCredentialDto,
  JoinTokenDto,
  SigningKeyDto,
  StatusDto,
  TrustBundleDto,
  VerifiedCredentialDto,
} from './dto.js';
import type { GrantDto } from './grant.js';
import type { ApprovalChallengeDto, ApprovalItemDto, GrantRequestDto, GrantVerifyDto, PasskeyCeremonyDto, PasskeyDto, QuorumStatusDto } from './approvals.js';
import {
  beginApprovalInput,
  completeApprovalInput,
  denyApprovalInput,
  emergencyRotateInput,
  listApprovalsInput,
  passkeyRegisterBeginInput,
  passkeyRegisterCompleteInput,
  passkeyRemoveBeginInput,
  passkeyRemoveInput,
  verifyGrantInput,
} from './approvals.js';
import { jitSetInput, type JitSettingDto } from './jit.js';
import { inviteOperatorInput, operatorRefInput, type InviteDto, type OperatorDto } from './team.js';
import type { DelegationDto, DelegationGraphDto, DelegationIssuedDto, DelegationTraceDto } from './delegation.js';
import { delegationAuthorizeInput, delegationGraphInput, delegationRefInput, delegationRevokeInput, delegationTraceInput } from './delegation.js';
import type { ClientConfigDto, GatewayAgentSessionsDto, ServerImportDto, ServerStatusDto, ServerToolDto } from './mcp-servers.js';
import type { OwnerDto, ReaperPreviewDto, ReaperRunDto } from './reaper.js';
import { listOwnersInput, reaperPreviewInput, reaperRunInput, setOwnerInput } from './reaper.js';
import {
  createGrantInput,
  grantRefInput,
  importServersInput,
  listGrantsInput,
  narrowGrantInput,
  revokeGrantInput,
  serverRefInput,
  setServerInput,
  setServerBeginInput,
  importServersBeginInput,
  tryCallInput,
} from './gateway-schemas.js';
import {
  createJoinTokenInput,
  emptyInput,
  identityRefInput,
  issueCredentialInput,
  listAuditInput,
  listCredentialsInput,
  listIdentitiesInput,
  registerIdentityInput,
  revokeCredentialInput,
  rotateCredentialInput,
  revokeIdentityInput,
  rotateKeysInput,
  tokenInput,
  transitionInput,
  verifyTokenInput,
} from './schemas.js';

export const operatorInputs = {
  'status.get': emptyInput,
  'identities.register': registerIdentityInput,
  'identities.list': listIdentitiesInput,
  'identities.get': identityRefInput,
  'identities.transition': transitionInput,
  'identities.revoke': revokeIdentityInput,
  'identities.kill': revokeIdentityInput,
  'joinTokens.create': createJoinTokenInput,
  'credentials.issue': issueCredentialInput,
  'credentials.list': listCredentialsInput,
  'credentials.revoke': revokeCredentialInput,
  'credentials.rotate': rotateCredentialInput,
  'credentials.introspect': tokenInput,
  'credentials.verify': verifyTokenInput,
  'keys.list': emptyInput,
  'keys.rotate': rotateKeysInput,
  'keys.emergencyRotateBegin': emptyInput,
  'keys.emergencyRotate': emergencyRotateInput,
  'trustBundle.get': emptyInput,
  'audit.list': listAuditInput,
  'audit.verify': emptyInput,
  'grants.create': createGrantInput,
  'grants.list': listGrantsInput,
  'grants.get': grantRefInput,
  'grants.narrow': narrowGrantInput,
  'grants.revoke': revokeGrantInput,
  'servers.list': emptyInput,
  'servers.set': setServerInput,
  'servers.setBegin': setServerBeginInput,
  'servers.importBegin': importServersBeginInput,
  'servers.remove': serverRefInput,
  'servers.import': importServersInput,
  'gateway.sessions': emptyInput,
  'reaper.preview': reaperPreviewInput,
  'reaper.run': reaperRunInput,
  'owners.list': listOwnersInput,
  'owners.set': setOwnerInput,
  'grants.verify': verifyGrantInput,
  'passkeys.list': emptyInput,
  'passkeys.registerBegin': passkeyRegisterBeginInput,
  'passkeys.registerComplete': passkeyRegisterCompleteInput,
  'passkeys.removeBegin': passkeyRemoveBeginInput,
  'passkeys.remove': passkeyRemoveInput,
  'approvals.list': listApprovalsInput,
  'approvals.begin': beginApprovalInput,
  'approvals.complete': completeApprovalInput,
  'approvals.deny': denyApprovalInput,
  'delegation.graph': delegationGraphInput,
  'jit.list': emptyInput,
  'jit.set': jitSetInput,
  'delegation.authorizeBegin': emptyInput,
  'delegation.authorize': delegationAuthorizeInput,
  'delegation.trace': delegationTraceInput,
  'delegation.get': delegationRefInput,
  'delegation.revoke': delegationRevokeInput,
  'servers.tools': serverRefInput,
  'servers.restart': serverRefInput,
  'servers.discover': emptyInput,
  'grants.policy': grantRefInput,
  'audit.export': emptyInput,
  'grants.tryCall': tryCallInput,
  'operators.list': emptyInput,
  'operators.invite': inviteOperatorInput,
  'operators.remove': operatorRefInput,
} as const satisfies Record<OperatorMethod, z.ZodType>;

export interface OperatorOutputs {
  'status.get': StatusDto;
  'identities.register': IdentityDto;
  'identities.list': IdentityDto[];
  'identities.get': IdentityDto;
  'identities.transition': IdentityDto;
  'identities.revoke': IdentityDto;
  'identities.kill': { identity: IdentityDto; revokedCredentials: number };
  'joinTokens.create': JoinTokenDto;
  'credentials.issue': IssuedCredentialDto;
  'credentials.list': CredentialDto[];
  'credentials.revoke': CredentialDto;
  'credentials.rotate': IssuedCredentialDto;
  'credentials.introspect': IntrospectionDto;
  'credentials.verify': VerifiedCredentialDto;
  'keys.list': SigningKeyDto[];
  'keys.rotate': SigningKeyDto;
  /** Null when no passkey is enrolled (the rotation then needs none). */
  'keys.emergencyRotateBegin': PasskeyCeremonyDto | null;
  'keys.emergencyRotate': { key: SigningKeyDto; revokedCredentials: number };
  'trustBundle.get': TrustBundleDto;
  'audit.list': AuditEventDto[];
  'audit.verify': AuditVerifyDto;
  'grants.create': GrantDto;
  'grants.list': GrantDto[];
  'grants.get': GrantDto;
  'grants.narrow': GrantDto;
  'grants.revoke': GrantDto;
  'servers.list': ServerStatusDto[];
  'servers.set': ServerStatusDto;
  /** Null when no passkey is enrolled (the operator channel is the gate until one is). */
  'servers.setBegin': PasskeyCeremonyDto | null;
  /** The servers an import would launch as processes, and the ceremony that approves exactly them (null: none needed). */
  'servers.importBegin': { launches: string[]; ceremony: PasskeyCeremonyDto | null };
  'servers.remove': { removed: string };
  'servers.import': ServerImportDto;
  'gateway.sessions': GatewayAgentSessionsDto[];
  'reaper.preview': ReaperPreviewDto;
  'reaper.run': ReaperRunDto;
  'owners.list': OwnerDto[];
  'owners.set': OwnerDto;
  'grants.verify': GrantVerifyDto;
  'passkeys.list': PasskeyDto[];
  'passkeys.registerBegin': PasskeyCeremonyDto;
  'passkeys.registerComplete': PasskeyDto;
  'passkeys.removeBegin': PasskeyCeremonyDto;
  'passkeys.remove': { removed: string };
  'approvals.list': ApprovalItemDto[];
  'approvals.begin': ApprovalChallengeDto;
  /** `grant` is null while a quorum still waits for more approvers' signatures (`quorum` says who signed). */
  'approvals.complete': { request: GrantRequestDto; grant: GrantDto | null; quorum: QuorumStatusDto | null };
  'approvals.deny': GrantRequestDto;
  'delegation.graph': DelegationGraphDto;
  'jit.list': JitSettingDto[];
  'jit.set': JitSettingDto;
  /** A passkey step-up ceremony for the next authorization (null when no passkey is enrolled). */
  'delegation.authorizeBegin': PasskeyCeremonyDto | null;
  'delegation.authorize': DelegationIssuedDto;
  'delegation.trace': DelegationTraceDto;
  'delegation.get': DelegationDto;
  'delegation.revoke': DelegationDto;
  /** The server's tools, listed from the running server (it is started if it is not). */
  'servers.tools': ServerToolDto[];
  'servers.restart': ServerStatusDto;
  /** MCP client config files found on this machine (Claude Desktop, Claude Code, Cursor, VS Code, Windsurf). */
  'servers.discover': ClientConfigDto[];
  /** The Cedar policies the grant compiles to, as the policy engine evaluates them. */
  'grants.policy': { readonly id: string; readonly text: string };
  /** The whole chain as JSON Lines, ending with a fresh signed checkpoint when it verifies (as `charon audit export`). */
  'audit.export': { readonly jsonl: string; readonly verify: AuditVerifyDto };
  /** What the gateway's policy would decide for that call now, and why, in words (nothing recorded, nothing forwarded, no limit spent). */
  'grants.tryCall': { readonly allow: boolean; readonly code: ErrorCode | null; readonly message: string; readonly grantIds: readonly string[] };
  /** Team mode: the operators of the remote console. */
  'operators.list': OperatorDto[];
  /** Adds the operator if new, and opens a one-time enrolment invite (shown once). */
  'operators.invite': InviteDto;
  'operators.remove': OperatorDto;
}

export { OPERATOR_METHODS, type OperatorMethod } from './operator-methods.js';
/** What a caller passes (defaults may be omitted). */
export type OperatorInput<M extends OperatorMethod> = z.input<(typeof operatorInputs)[M]>;
/** What a handler receives after validation. */
export type OperatorParsedInput<M extends OperatorMethod> = z.output<(typeof operatorInputs)[M]>;
export type OperatorOutput<M extends OperatorMethod> = OperatorOutputs[M];

export function isOperatorMethod(value: unknown): value is OperatorMethod {
  return typeof value === 'string' && Object.hasOwn(operatorInputs, value);
}

/** The main-process side: one handler per method, given validated input. */
export type OperatorHandlers = {
  [M in OperatorMethod]: (input: OperatorParsedInput<M>) => Promise<OperatorOutput<M>>;
};

/** The caller side (renderer, CLI over the bridge): raw input in, value out, errors thrown as OperatorCallError. */
export type OperatorClient = {
  [M in OperatorMethod]: (input: OperatorInput<M>) => Promise<OperatorOutput<M>>;
};

/**
 * Push events from the main process to the console. Every change of operator state is an audit
 * record, so one event carries them all: the console appends it to the live feed and refreshes
 * the queries its kind touches.
 */
export interface OperatorEvents {
  'audit.appended': AuditEventDto;
}

export type OperatorEventName = keyof OperatorEvents;

/** One pushed event as it travels (SSE `event:`/`data:` or one IPC message). */
export type OperatorEventMessage = { [E in OperatorEventName]: { readonly event: E; readonly data: OperatorEvents[E] } }[OperatorEventName];

/** Receives pushed events, in order. */
export type OperatorEventSink = (message: OperatorEventMessage) => void;
