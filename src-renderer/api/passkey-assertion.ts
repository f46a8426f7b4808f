import { startAuthentication, type PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/browser';
import type { PasskeyCeremonyDto, WebAuthnOptionsJson } from '../../src-shared/approvals.js';

/** The control plane's WebAuthn options as the browser library types them (the same JSON). */
export const asRequestOptions = (options: WebAuthnOptionsJson) => options as unknown as PublicKeyCredentialRequestOptionsJSON;

/**
 * The owner's passkey over exactly what a step-up ceremony names, as the `{ ceremonyId, assertion }`
 * a method takes; nothing when there is no ceremony (no passkey enrolled yet: nothing to sign).
 */
export async function passkeyAssertion(ceremony: PasskeyCeremonyDto | null) {
  if (!ceremony) return {};
  return { ceremonyId: ceremony.ceremonyId, assertion: await startAuthentication({ optionsJSON: asRequestOptions(ceremony.authentication ?? {}) }) };
}
