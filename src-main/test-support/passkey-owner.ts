// The owner at the console, in node tests: enrols a software passkey and approves grant
// requests with it through the operator handlers (the same calls the console makes).
import { grantSpecSchema, type GrantSpecInput } from '../../src-shared/grant.js';
import type { ControlPlane } from '../app/control-plane.js';
import { openGatewayHarness, type GatewayHarness, type GatewayHarnessOptions } from './gateway-harness.js';
import { SoftAuthenticator } from './soft-authenticator.js';

/** The console's origin in node tests (the bridge's, set on the plane's endpoints). */
export const CONSOLE_ORIGIN = 'http://localhost:7471';

export async function enrollOwner(plane: ControlPlane): Promise<SoftAuthenticator> {
  plane.endpoints.bridgeUrl ??= CONSOLE_ORIGIN;
  const auth = new SoftAuthenticator(new URL(plane.endpoints.bridgeUrl).origin);
  const ceremony = await plane.handlers['passkeys.registerBegin']({ label: 'soft' });
  await plane.handlers['passkeys.registerComplete']({ ceremonyId: ceremony.ceremonyId, registration: auth.register(ceremony.registration as { challenge: string }) });
  return auth;
}

/** Approves a pending request with the passkey, as requested or narrowed to `spec`. */
export async function approveWithPasskey(plane: ControlPlane, auth: SoftAuthenticator, requestId: string, spec?: GrantSpecInput) {
  const request = plane.approvals.approvals.list().find((i) => i.request.id === requestId)?.request;
  if (!request) throw new Error(`no pending request ${requestId}`);
  const challenge = await plane.handlers['approvals.begin']({ requestId, spec: spec ? grantSpecSchema.parse(spec) : request.spec });
  const result = await plane.handlers['approvals.complete']({ requestId, response: auth.assert(challenge.options as { challenge: string }) });
  if (!result.grant) throw new Error(`approving ${requestId} created no grant (a quorum waits for more signatures)`);
  return { ...result, grant: result.grant };
}

/** The id of the next grant request anyone makes (resolves once it is committed). */
export function nextGrantRequest(plane: ControlPlane): Promise<string> {
  return new Promise((resolve) => {
    const stop = plane.audit.onAppend((record) => {
      if (record.kind === 'grant.request' && record.decision === 'allow') {
        stop();
        resolve(record.subject);
      }
    });
  });
}

/** A gateway harness whose owner has enrolled a (software) passkey. */
export async function openOwnedGateway(options: GatewayHarnessOptions = { servers: ['everything'] }): Promise<{ h: GatewayHarness; auth: SoftAuthenticator }> {
  const h = await openGatewayHarness(options);
  return { h, auth: await enrollOwner(h.plane) };
}
