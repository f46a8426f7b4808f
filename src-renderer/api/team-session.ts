// The team console's sign-in: the operator's passkey for this server's relying party. The server
// answers with a session cookie the page never sees (HttpOnly); these calls only carry it.
import { startAuthentication, startRegistration, type PublicKeyCredentialCreationOptionsJSON } from '@simplewebauthn/browser';
import { isErrorPayload, type ErrorPayload } from '../../src-shared/errors.js';
import type { ConsoleCeremonyDto, ConsoleSessionDto, OperatorDto } from '../../src-shared/team.js';
import { asRequestOptions } from './passkey-assertion.js';

export class SessionError extends Error {
  constructor(readonly payload: ErrorPayload) {
    super(payload.message);
    this.name = 'SessionError';
  }
}

async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const response = await fetch(path, { method, credentials: 'same-origin', cache: 'no-store', ...(method === 'POST' ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body ?? {}) } : {}) });
  const result = (await response.json().catch(() => null)) as { ok?: boolean; value?: T; error?: unknown } | null;
  if (result?.ok === true) return result.value as T;
  throw new SessionError(isErrorPayload(result?.error) ? result.error : { code: 'ERR_INTERNAL', message: `The server answered HTTP ${response.status}` });
}

/** Who is signed in, or null (no session, or it ended). */
export async function currentSession(): Promise<ConsoleSessionDto | null> {
  try {
    return await call<ConsoleSessionDto>('GET', '/session');
  } catch (error) {
    if (error instanceof SessionError && error.payload.code === 'ERR_UNAUTHENTICATED') return null;
    throw error;
  }
}

export async function signIn(): Promise<ConsoleSessionDto> {
  const ceremony = await call<ConsoleCeremonyDto>('POST', '/session/sign-in/begin');
  const assertion = await startAuthentication({ optionsJSON: asRequestOptions(ceremony.options) });
  return call<ConsoleSessionDto>('POST', '/session/sign-in/complete', { ceremonyId: ceremony.ceremonyId, assertion });
}

/** Enrols this device's passkey with a one-time invite (from the link an admin sent). */
export async function enrol(invite: string, label: string): Promise<OperatorDto> {
  const ceremony = await call<ConsoleCeremonyDto>('POST', '/session/enrol/begin', { invite });
  const registration = await startRegistration({ optionsJSON: ceremony.options as unknown as PublicKeyCredentialCreationOptionsJSON });
  return call<OperatorDto>('POST', '/session/enrol/complete', { invite, ceremonyId: ceremony.ceremonyId, registration, label });
}

export const signOut = (): Promise<null> => call<null>('POST', '/session/sign-out');

/** The invite in the address (`#invite=…`), taken out of it at once so it is not bookmarked or shared. */
export function takeInvite(): string | null {
  const fragment = new URLSearchParams(window.location.hash.slice(1));
  const invite = fragment.get('invite');
  if (!invite) return null;
  fragment.delete('invite');
  const rest = fragment.toString();
  window.history.replaceState(window.history.state, '', `${window.location.pathname}${window.location.search}${rest ? `#${rest}` : ''}`);
  return invite;
}
