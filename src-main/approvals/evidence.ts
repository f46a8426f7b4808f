// Re-checks one stored passkey signature over a grant spec, offline: the challenge recomputed
// from the request, the spec hash and the nonce; the client data; the signature with the public
// key on record, under the relying party it was made for. Used for a single owner's approval and
// for each approver's signature when a grant needs M of N.
import type { GrantVerifyProblem } from '../../src-shared/approvals.js';
import type { ApprovalRecord, PasskeyRecord, PasskeyRepository } from '../core/approval-records.js';
import { approvalChallenge, clientDataOf, RP_ID, verifyAssertion } from './webauthn.js';

/** The parts of an approval (or of one approver's signature) that the check reads. */
export type SignedEvidence = Pick<ApprovalRecord, 'requestId' | 'nonce' | 'challenge' | 'credentialId' | 'authenticatorData' | 'clientDataJson' | 'signature' | 'userHandle' | 'origin' | 'rpId'>;

export interface EvidenceCheck {
  readonly ok: boolean;
  readonly problem: GrantVerifyProblem | null;
  readonly message: string;
  readonly passkey: PasskeyRecord | null;
}

/** `holder`: when given, the passkey must be this operator's (an approver's signature counts only as its own). */
export async function checkEvidence(evidence: SignedEvidence, specHash: string, passkeys: Pick<PasskeyRepository, 'get'>, holder?: string): Promise<EvidenceCheck> {
  const no = (problem: GrantVerifyProblem, message: string, passkey: PasskeyRecord | null = null): EvidenceCheck => ({ ok: false, problem, message, passkey });
  const challenge = approvalChallenge(evidence.requestId, specHash, evidence.nonce);
  const client = clientDataOf(evidence.clientDataJson ?? '');
  if (client.challenge !== challenge || evidence.challenge !== challenge) return no('challenge-mismatch', 'The assertion does not sign this grant');
  if (client.type !== 'webauthn.get' || typeof client.origin !== 'string' || client.origin !== evidence.origin) return no('client-data-mismatch', 'The client data is not a WebAuthn assertion from the recorded origin');
  const passkey = evidence.credentialId ? passkeys.get(evidence.credentialId) : null;
  if (!passkey) return no('passkey-unknown', 'The passkey that signed is not on record');
  if (holder !== undefined && passkey.operatorId !== holder) return no('passkey-unknown', `The passkey that signed is not ${holder}'s`, passkey);
  try {
    await verifyAssertion(
      {
        id: passkey.id,
        rawId: passkey.id,
        type: 'public-key',
        response: { authenticatorData: evidence.authenticatorData ?? '', clientDataJSON: evidence.clientDataJson ?? '', signature: evidence.signature ?? '', userHandle: evidence.userHandle ?? undefined },
        clientExtensionResults: {},
      },
      { ...passkey, counter: 0 },
      challenge,
      [client.origin],
      evidence.rpId ?? RP_ID,
    );
  } catch (error) {
    return no('signature-invalid', error instanceof Error ? error.message : 'The signature does not verify', passkey);
  }
  return { ok: true, problem: null, message: `Approved with passkey ${passkey.label}${passkey.removedAt ? ' (since removed)' : ''}: the signature covers exactly this grant`, passkey };
}
