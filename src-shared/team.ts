// Team mode's remote console: operators (each an owner of agents; admins also manage servers,
// keys and operators), their enrolment invites, and the sign-in the console asks for. The
// `/session/*` routes are outside the operator contract: they are what gets a caller into it.
import { z } from 'zod';
import { authenticationResponseSchema, ceremonyIdSchema, registrationResponseSchema, type WebAuthnOptionsJson } from './approvals.js';

export const OPERATOR_ROLES = ['admin', 'owner'] as const;
export type OperatorRoleName = (typeof OPERATOR_ROLES)[number];

/** The owner name identities carry: an operator is the owner of the agents that name them. */
export const operatorIdSchema = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,62}$/, 'an operator id: lowercase letters, digits, ".", "_", "-" (the owner name agents carry)');
const inviteCodeSchema = z.string().regex(/^inv_[A-Za-z0-9_-]{20,80}$/, 'an invite code (inv_…)');

export const inviteOperatorInput = z.strictObject({ id: operatorIdSchema, role: z.enum(OPERATOR_ROLES).optional() });
export const operatorRefInput = z.strictObject({ id: operatorIdSchema });

export const enrolBeginBody = z.strictObject({ invite: inviteCodeSchema });
export const enrolCompleteBody = z.strictObject({ invite: inviteCodeSchema, ceremonyId: ceremonyIdSchema, registration: registrationResponseSchema, label: z.string().min(1).max(80).optional() });
export const signInCompleteBody = z.strictObject({ ceremonyId: ceremonyIdSchema, assertion: authenticationResponseSchema });

export interface OperatorDto {
  readonly id: string;
  readonly role: OperatorRoleName;
  readonly createdAt: number;
  readonly removedAt: number | null;
  /** Passkeys enrolled (0: the invite was not used yet). */
  readonly passkeys: number;
}

export interface InviteDto {
  readonly operator: OperatorDto;
  /** One-time, shown once; the console URL carries it in the fragment. */
  readonly code: string;
  readonly expiresAt: number;
  /** The remote console's enrolment address, when one is configured. */
  readonly url: string | null;
}

/** Who is signed in to the remote console. */
export interface ConsoleSessionDto {
  readonly operator: { readonly id: string; readonly role: OperatorRoleName };
  readonly expiresAt: number;
}

/** A ceremony the browser answers with @simplewebauthn/browser. */
export interface ConsoleCeremonyDto {
  readonly ceremonyId: string;
  readonly expiresAt: number;
  readonly options: WebAuthnOptionsJson;
}
