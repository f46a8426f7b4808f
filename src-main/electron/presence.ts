// The desktop app's presence outside its window: a tray icon with the pending-approval count
// (and the way back in, or out), and a system notification for each new grant request.
import { Menu, Notification, Tray, nativeImage } from 'electron';

export interface PresenceOptions {
  /** A PNG for the tray (16–32 px). */
  readonly iconPath: string;
  readonly onOpen: () => void;
  readonly onQuit: () => void;
}

export interface Presence {
  setPending(count: number): void;
  /** Announces a grant request (`body` says who asks); clicking it opens the console. */
  notifyRequest(body: string): void;
  destroy(): void;
}

export function createPresence(options: PresenceOptions): Presence {
  const tray = new Tray(nativeImage.createFromPath(options.iconPath));
  let pending = 0;
  const render = () => {
    const label = pending === 0 ? 'No pending approvals' : `${pending} pending approval${pending === 1 ? '' : 's'}`;
    tray.setToolTip(`Charon — ${label}`);
    // Shown next to the icon on macOS; elsewhere the tooltip and menu carry it.
    tray.setTitle(pending === 0 ? '' : String(pending));
    tray.setContextMenu(
      Menu.buildFromTemplate([
        { label, enabled: false },
        { type: 'separator' },
        { label: 'Open Charon', click: options.onOpen },
        // The gateway keeps serving agents while the window is closed; quitting stops it.
        { label: 'Quit Charon (stops the gateway)', click: options.onQuit },
      ]),
    );
  };
  tray.on('click', options.onOpen);
  render();
  return {
    setPending(count) {
      if (count === pending) return;
      pending = count;
      render();
    },
    notifyRequest(body) {
      if (!Notification.isSupported()) return;
      const note = new Notification({ title: 'Charon: approval requested', body, silent: false });
      note.on('click', options.onOpen);
      note.show();
    },
    destroy() {
      tray.destroy();
    },
  };
}
