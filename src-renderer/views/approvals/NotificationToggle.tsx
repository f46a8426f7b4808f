import { useState } from 'react';
import { useTransportKind } from '../../api/client-context.js';
import { askNotificationPermission, notificationPermission } from '../../live/notify.js';

/** In the browser console: ask once, on the operator's click, to announce new requests. The desktop app notifies by itself. */
export function NotificationToggle() {
  const kind = useTransportKind();
  const [permission, setPermission] = useState(notificationPermission);
  if (kind === 'desktop' || permission === 'unsupported') return null;
  if (permission === 'granted') return <p className="muted">Desktop notifications announce new requests.</p>;
  if (permission === 'denied') return <p className="muted">Notifications are blocked for this page; the badge still counts new requests.</p>;
  return (
    <p>
      <button type="button" onClick={() => void askNotificationPermission().then(setPermission)}>
        Announce new requests with desktop notifications
      </button>
    </p>
  );
}
