import { useState } from 'react';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { ViewHeading } from '../../components/ViewHeading.js';
import { ApprovalCard } from './ApprovalCard.js';
import { DecidedRequests } from './DecidedRequests.js';
import { NotificationToggle } from './NotificationToggle.js';
import { usePasskeys, usePendingApprovals } from './use-approvals.js';
import { useTeamSession } from '../team/TeamGate.js';

/** The approval inbox: pending grant requests, approved with a passkey or denied (passkeys live in Settings). */
export function ApprovalsView() {
  const pending = usePendingApprovals();
  const team = useTeamSession();
  const passkeys = usePasskeys(!team);
  const [message, setMessage] = useState('');
  // A team operator signed in with their passkey: it is what approves.
  const hasPasskey = team !== null || (passkeys.data?.length ?? 0) > 0;

  return (
    <section aria-labelledby="view-heading">
      <ViewHeading>Approvals</ViewHeading>
      <NotificationToggle />
      <p role="status" className="announcement">
        {message}
      </p>
      {pending.isPending && <p>Loading requests…</p>}
      {pending.isError && <ErrorNotice error={pending.error} title="Could not list requests" />}
      {pending.data?.length === 0 && <p>No pending requests.</p>}
      {pending.data?.map((item) => <ApprovalCard key={item.request.id} item={item} hasPasskey={hasPasskey} onDone={setMessage} />)}
      <DecidedRequests />
      {!team && passkeys.data?.length === 0 && <p className="notice">No passkey is enrolled: approving is impossible until you enroll one in Settings.</p>}
    </section>
  );
}

/** How many requests wait, for the navigation badge (nothing on error: the view says why). */
export function usePendingCount(): number {
  return usePendingApprovals().data?.length ?? 0;
}
