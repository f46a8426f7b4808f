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
  if (notificationPermission() !== 'granted') return;
  const agent = record.subject.split('/').at(-1) ?? record.subject;
  // The text is set as plain text by the browser: an agent's purpose cannot inject markup.
  new Notification('Charon: approval requested', { body: `${agent} asks for a grant`, tag: `charon-approval-${record.seq}` });
}
