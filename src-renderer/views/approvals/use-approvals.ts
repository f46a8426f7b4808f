import { startAuthentication, startRegistration, type PublicKeyCredentialCreationOptionsJSON } from '@simplewebauthn/browser';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { WebAuthnOptionsJson } from '../../../src-shared/approvals.js';
import type { GrantSpec } from '../../../src-shared/grant.js';
import { useOperatorClient } from '../../api/client-context.js';
import { asRequestOptions, passkeyAssertion } from '../../api/passkey-assertion.js';

export const approvalKeys = {
  approvals: ['approvals'] as const,
  pending: ['approvals', 'pending'] as const,
  passkeys: ['passkeys'] as const,
};

/** Requests arrive from agents: their `grant.request` audit records, pushed, refresh this (live/invalidation.ts). */
export function usePendingApprovals() {
  const client = useOperatorClient();
  return useQuery({ queryKey: approvalKeys.pending, queryFn: () => client['approvals.list']({}) });
}

/** The desktop owner's passkeys (`enabled: false` on the team console, where the operator signed in with theirs). */
export function usePasskeys(enabled = true) {
  const client = useOperatorClient();
  return useQuery({ queryKey: approvalKeys.passkeys, queryFn: () => client['passkeys.list']({}), enabled });
}

const asCreation = (options: WebAuthnOptionsJson) => options as unknown as PublicKeyCredentialCreationOptionsJSON;

function useInvalidate() {
  const queryClient = useQueryClient();
  return () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: approvalKeys.approvals }),
      queryClient.invalidateQueries({ queryKey: approvalKeys.passkeys }),
      queryClient.invalidateQueries({ queryKey: ['audit'] }),
    ]);
}

/** Enrols a passkey; when one exists already, it must approve the new one first. */
export function useEnrollPasskey() {
  const client = useOperatorClient();
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: async (label: string | undefined) => {
      const ceremony = await client['passkeys.registerBegin']({ label });
      const assertion = ceremony.authentication ? await startAuthentication({ optionsJSON: asRequestOptions(ceremony.authentication) }) : undefined;
      const registration = await startRegistration({ optionsJSON: asCreation(ceremony.registration ?? {}) });
      return client['passkeys.registerComplete']({ ceremonyId: ceremony.ceremonyId, registration, assertion });
    },
    onSettled: invalidate,
  });
}

export function useRemovePasskey() {
  const client = useOperatorClient();
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: async (id: string) => {
      const ceremony = await client['passkeys.removeBegin']({ id });
      const assertion = await startAuthentication({ optionsJSON: asRequestOptions(ceremony.authentication ?? {}) });
      return client['passkeys.remove']({ id, ceremonyId: ceremony.ceremonyId, assertion });
    },
    onSettled: invalidate,
  });
}

/** Rotate the signing key and revoke every credential: a fresh assertion first, when a passkey is enrolled. */
export function useEmergencyRotate() {
  const client = useOperatorClient();
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: async (reason: string) => {
      const ceremony = await client['keys.emergencyRotateBegin']({});
      return client['keys.emergencyRotate']({ reason, ...(await passkeyAssertion(ceremony)) });
    },
    onSettled: invalidate,
  });
}

/** Approves exactly `spec` (as shown): the server's challenge commits to its hash; the passkey signs it. */
export function useApprove() {
  const client = useOperatorClient();
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: async ({ requestId, spec }: { requestId: string; spec: GrantSpec }) => {
      const challenge = await client['approvals.begin']({ requestId, spec });
      const response = await startAuthentication({ optionsJSON: asRequestOptions(challenge.options) });
      return client['approvals.complete']({ requestId, response });
    },
    onSettled: invalidate,
  });
}

export function useDeny() {
  const client = useOperatorClient();
  const invalidate = useInvalidate();
  return useMutation({ mutationFn: (input: { requestId: string; reason?: string }) => client['approvals.deny'](input), onSettled: invalidate });
}
