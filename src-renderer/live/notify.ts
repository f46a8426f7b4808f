import { approvalNotice } from '../../src-shared/approval-notice.js';
import type { AuditEventDto } from '../../src-shared/dto.js';

/** Whether the browser lets this console show notifications, and whether it could ask. */
export function notificationPermission(): NotificationPermission | 'unsupported' {
  return typeof Notification === 'undefined' ? 'unsupported' : Notification.permission;
}

export async function askNotificationPermission(): Promise<NotificationPermission | 'unsupported'> {
  if (typeof Notification === 'undefined') return 'unsupported';
  return Notification.requestPermission();
}

/** Announces a new grant request, when the operator allowed notifications (never asks by itself). */
export function notifyApprovalRequest(record: AuditEventDto): void {
  const notice = approvalNotice(record);
  if (!notice || notificationPermission() !== 'granted') return;
  // The body is plain text to the browser: nothing an agent chose can become markup.
  new Notification('Charon: approval requested', { body: notice.body, tag: `charon-approval-${record.seq}` });
}
