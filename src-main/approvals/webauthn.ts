// The only place that calls @simplewebauthn/server: registration and assertion checks, with
// its failures turned into stable error codes. Nothing of WebAuthn is hand-written here.
import { createHash } from 'node:crypto';
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import type { AuthenticationResponseInput, RegistrationResponseInput, WebAuthnOptionsJson } from '../../src-shared/approvals.js';
import type { PasskeyRecord } from '../core/approval-records.js';
import { canonicalJson } from '../core/canonical-json.js';
import { CharonError } from '../core/errors.js';

export const RP_ID = 'localhost';
export const RP_NAME = 'Charon';
/** ES256 and EdDSA: what platform authenticators and security keys offer. */
const ALGORITHMS = [-7, -8];

/** What an approval's challenge commits to: the request, the spec exactly as shown, and a nonce. */
export function approvalChallenge(requestId: string, specHash: string, nonce: string): string {
  return createHash('sha256').update(canonicalJson({ nonce, requestId, specHash })).digest('base64url');
}

/** SHA-256 (hex) over the canonical JSON of a value (a grant spec: what an approval signs). */
export const sha256Canonical = (value: unknown): string => createHash('sha256').update(canonicalJson(value)).digest('hex');

/** The digest of an assertion the audit chain records: authenticatorData ‖ clientDataJSON ‖ signature. */
export function assertionDigest(response: AuthenticationResponseInput): string {
  return createHash('sha256')
    .update(Buffer.from(response.response.authenticatorData, 'base64url'))
    .update(Buffer.from(response.response.clientDataJSON, 'base64url'))
    .update(Buffer.from(response.response.signature, 'base64url'))
    .digest('hex');
}

/** Who a passkey is registered for: the desktop's owner, or a team operator by name. */
export interface PasskeyUser {
  readonly name: string;
  readonly displayName: string;
}

const DESKTOP_OWNER: PasskeyUser = { name: 'owner', displayName: 'Charon owner' };

/** `rpId`: localhost for the desktop console; the remote console's own DNS name in team mode. */
export async function registrationOptions(challenge: string, userId: Uint8Array, exclude: readonly PasskeyRecord[], rpId = RP_ID, user = DESKTOP_OWNER): Promise<WebAuthnOptionsJson> {
  const options = await generateRegistrationOptions({
    rpName: RP_NAME,
    rpID: rpId,
    userName: user.name,
    userDisplayName: user.displayName,
    userID: new Uint8Array(userId),
    challenge: Buffer.from(challenge, 'base64url'),
    timeout: 120_000,
    attestationType: 'none',
    excludeCredentials: exclude.map((p) => ({ id: p.id, transports: [...p.transports] })),
    authenticatorSelection: { residentKey: 'preferred', userVerification: 'required' },
    supportedAlgorithmIDs: ALGORITHMS,
  });
  return options as unknown as WebAuthnOptionsJson;
}

export async function authenticationOptions(challenge: string, allow: readonly PasskeyRecord[], rpId = RP_ID): Promise<WebAuthnOptionsJson> {
  const options = await generateAuthenticationOptions({
    rpID: rpId,
    challenge: Buffer.from(challenge, 'base64url'),
    timeout: 120_000,
    userVerification: 'required',
    allowCredentials: allow.map((p) => ({ id: p.id, transports: [...p.transports] })),
  });
  return options as unknown as WebAuthnOptionsJson;
}

export interface VerifiedRegistration {
  readonly id: string;
  readonly publicKey: Uint8Array;
  readonly counter: number;
  readonly transports: string[];
}

export async function verifyRegistration(response: RegistrationResponseInput, challenge: string, origins: readonly string[], rpId = RP_ID): Promise<VerifiedRegistration> {
  let result;
  try {
    result = await verifyRegistrationResponse({
      response: { ...response, clientExtensionResults: {} } as unknown as RegistrationResponseJSON,
      expectedChallenge: challenge,
      expectedOrigin: [...origins],
      expectedRPID: rpId,
      requireUserVerification: true,
      supportedAlgorithmIDs: ALGORITHMS,
    });
  } catch (error) {
    throw refusal(error);
  }
  if (!result.verified) throw new CharonError('ERR_ASSERTION_INVALID', 'The passkey registration did not verify');
  const { credential } = result.registrationInfo;
  return { id: credential.id, publicKey: credential.publicKey, counter: credential.counter, transports: response.response.transports ?? [] };
}

/**
 * Checks an assertion: signature with the stored public key, challenge, origin, RP ID, type
 * `webauthn.get`, user present and verified, and a counter that moved forward (when used).
 * `counter: 0` re-verifies an old assertion offline, where only the signature and contents matter.
 */
export async function verifyAssertion(response: AuthenticationResponseInput, passkey: Pick<PasskeyRecord, 'id' | 'publicKey' | 'counter' | 'transports'>, challenge: string, origins: readonly string[], rpId = RP_ID): Promise<{ newCounter: number; origin: string }> {
  if (response.id !== passkey.id || response.rawId !== passkey.id) throw new CharonError('ERR_ASSERTION_INVALID', 'The assertion is from another passkey');
  let result;
  try {
    result = await verifyAuthenticationResponse({
      response: { ...response, clientExtensionResults: {} } as unknown as AuthenticationResponseJSON,
      expectedChallenge: challenge,
      expectedOrigin: [...origins],
      expectedRPID: rpId,
      expectedType: 'webauthn.get',
      credential: { id: passkey.id, publicKey: new Uint8Array(passkey.publicKey), counter: passkey.counter, transports: [...passkey.transports] },
      requireUserVerification: true,
    });
  } catch (error) {
    throw refusal(error);
  }
  if (!result.verified) throw new CharonError('ERR_ASSERTION_INVALID', 'The passkey signature does not verify');
  if (!result.authenticationInfo.userVerified) throw new CharonError('ERR_USER_VERIFICATION_REQUIRED', 'The authenticator did not verify the user');
  return { newCounter: result.authenticationInfo.newCounter, origin: result.authenticationInfo.origin };
}

/** The client data an assertion carries (type, challenge, origin), read without trusting it. */
export function clientDataOf(clientDataJson: string): { type?: unknown; challenge?: unknown; origin?: unknown } {
  try {
    const value: unknown = JSON.parse(Buffer.from(clientDataJson, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function refusal(error: unknown): CharonError {
  const message = error instanceof Error ? error.message : String(error);
  if (/user verification required|could not be verified/i.test(message)) return new CharonError('ERR_USER_VERIFICATION_REQUIRED', message, { cause: error });
  return new CharonError('ERR_ASSERTION_INVALID', message.slice(0, 300), { cause: error });
}
