// Prod grants are enforced only with a verifiable passkey approval (DESIGN invariant 12), so the
// bench approves its prod grant as an owner would: a software authenticator (the tests' own,
// src-main/test-support/soft-authenticator.ts, transpiled here: it imports only node:crypto)
// enrols, the agent requests the grant, the owner approves it. Set-up, not per-call cost.
import { importTestSupport } from './test-support.mjs';

const { SoftAuthenticator } = await importTestSupport('soft-authenticator');

const ORIGIN = 'http://localhost:7471';

/** Creates `spec` as a passkey-approved grant on `plane` (a ControlPlane from dist). */
export async function approvedGrant(plane, spec, purpose = 'bench') {
  plane.endpoints.bridgeUrl ??= ORIGIN;
  const auth = new SoftAuthenticator(new URL(plane.endpoints.bridgeUrl).origin);
  const ceremony = await plane.handlers['passkeys.registerBegin']({ label: 'bench' });
  await plane.handlers['passkeys.registerComplete']({ ceremonyId: ceremony.ceremonyId, registration: auth.register(ceremony.registration) });
  const identity = plane.store.identities.get(spec.agentId);
  const request = plane.approvals.requests.request(spec.agentId, identity.spiffeId, spec, purpose);
  const challenge = await plane.handlers['approvals.begin']({ requestId: request.id, spec });
  const done = await plane.handlers['approvals.complete']({ requestId: request.id, response: auth.assert(challenge.options) });
  return done.grant;
}
