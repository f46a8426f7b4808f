import type { QuorumStatusDto } from '../../../src-shared/approvals.js';

/** M of N: who must sign, who has, and that nothing is granted before the last needed signature. */
export function QuorumNote({ quorum }: { quorum: QuorumStatusDto }) {
  const missing = quorum.required - quorum.signedBy.length;
  return (
    <p className="notice quorum" data-testid="quorum">
      Needs <strong>{quorum.required} of {quorum.approvers.length}</strong> approvers’ passkeys ({quorum.approvers.join(', ')}).{' '}
      {quorum.signedBy.length === 0 ? 'No one has signed yet.' : `Signed by ${quorum.signedBy.join(', ')}.`}{' '}
      {missing > 0 && <strong>Nothing is granted until {missing} more sign{missing === 1 ? 's' : ''}.</strong>}
      {quorum.spec && ' Every approver signs exactly the spec already signed.'}
    </p>
  );
}
