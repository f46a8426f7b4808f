// Electron main entry: the same ControlPlane as `charon serve`, with the console in a
// hardened window. The console is served by the loopback operator bridge at
// http://localhost:<port>/ so that WebAuthn works with RP ID `localhost` (a custom scheme
// is not a secure context for it); in this window it calls the operator API over IPC.
// The agent listener (MCP gateway) runs for as long as the app does: closing the window
// leaves it serving agents, with a tray icon; quitting stops it.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, dialog, safeStorage, session } from 'electron';
import { approvalNotice } from '../../src-shared/approval-notice.js';
import type { OperatorEventMessage } from '../../src-shared/operator-api.js';
import { ControlPlane } from '../app/control-plane.js';
import { defaultDataDir } from '../app/data-dir.js';
import { startHousekeeping } from '../app/housekeeping.js';
import { electronSafeStorageProvider } from '../app/master-key.js';
import { subscribeOperatorEvents } from '../app/operator-events.js';
import { startAgentListener } from '../http/agent-listener.js';
import { startOperatorBridge } from '../http/operator-bridge.js';
import { OPERATOR_EVENT_CHANNEL } from './channels.js';
import { registerOperatorIpc } from './ipc.js';
import { createPresence, type Presence } from './presence.js';
import { createConsoleWindow, hardenSession, isOwnWebContents } from './window.js';

// Paths relative to the bundle electron-vite writes: out/main/index.js, out/preload/preload.cjs, out/renderer/.
const preloadPath = fileURLToPath(new URL('../preload/preload.cjs', import.meta.url));
const rendererDir = fileURLToPath(new URL('../renderer', import.meta.url));
// electron-builder copies resources/tray*.png next to the app (extraResources); in development they sit in the repo.
const trayIconPath = app.isPackaged ? join(process.resourcesPath, 'tray.png') : fileURLToPath(new URL('../../resources/tray.png', import.meta.url));

interface Running {
  readonly controlPlane: ControlPlane;
  readonly stopServices: () => Promise<void>;
  readonly unregisterIpc: () => void;
  readonly openWindow: () => BrowserWindow;
}

app.enableSandbox();

if (!app.requestSingleInstanceLock()) {
  // Another instance owns the data directory; it focuses its window on 'second-instance'.
  app.quit();
} else {
  void launch();
}

async function launch(): Promise<void> {
  let running: Running;
  try {
    running = await start();
  } catch (error) {
    console.error('Charon failed to start:', error);
    dialog.showErrorBox('Charon failed to start', error instanceof Error ? error.message : String(error));
    app.exit(1);
    return;
  }
  let window = running.openWindow();
  const showWindow = (): void => {
    if (window.isDestroyed()) window = running.openWindow();
    if (window.isMinimized()) window.restore();
    window.focus();
  };
  let presence: Presence | null = null;
  try {
    presence = createPresence({ iconPath: trayIconPath, onOpen: showWindow, onQuit: () => app.quit() });
  } catch (error) {
    // No tray on this desktop: the app then quits with its last window (below).
    console.error('Charon: no tray icon:', error);
  }
  watchEvents(running.controlPlane, presence);
  app.on('second-instance', showWindow);
  app.on('activate', showWindow);
  app.on('window-all-closed', () => {
    // With a tray icon the gateway keeps serving agents until Quit; without one, closing is quitting.
    if (!presence && process.platform !== 'darwin') app.quit();
  });
  let stopping = false;
  app.on('will-quit', (event) => {
    // Close the store and listeners before the process goes; then leave for real.
    event.preventDefault();
    if (stopping) return;
    stopping = true;
    presence?.destroy();
    void stop(running).finally(() => app.exit(0));
  });
}

/** Pushes every operator event to the console windows; keeps the tray count and notifications current. */
function watchEvents(plane: ControlPlane, presence: Presence | null): void {
  let counting = false;
  const recount = () => {
    if (counting || !presence) return;
    counting = true;
    void plane.handlers['approvals.list']({})
      .then((items) => presence.setPending(items.length))
      .catch(() => undefined)
      .finally(() => (counting = false));
  };
  recount();
  subscribeOperatorEvents(plane.auditFeed, (message: OperatorEventMessage) => {
    for (const window of BrowserWindow.getAllWindows()) {
      if (!window.isDestroyed() && isOwnWebContents(window.webContents)) window.webContents.send(OPERATOR_EVENT_CHANNEL, message);
    }
    const record = message.data;
    if (!record.kind.startsWith('grant.')) return;
    recount();
    const notice = approvalNotice(record);
    if (notice) presence?.notifyRequest(notice.body);
  });
}

async function start(): Promise<Running> {
  await app.whenReady();
  const controlPlane = await ControlPlane.open({
    dataDir: defaultDataDir(),
    masterKeyProvider: electronSafeStorageProvider(safeStorage),
    walCheckpoints: 'worker',
    exclusive: 'the desktop app',
  });
  const stops: (() => Promise<void> | void)[] = [];
  const stopServices = async () => {
    for (const stopOne of stops.reverse()) await stopOne();
  };
  try {
    const agent = await startAgentListener(controlPlane, { port: controlPlane.config.agentPort, host: controlPlane.config.host });
    stops.push(() => agent.close());
    controlPlane.endpoints.agentUrl = agent.url;
    const bridge = await startOperatorBridge({
      handlers: controlPlane.handlers,
      port: 0,
      staticDir: rendererDir,
      subscribe: (sink) => subscribeOperatorEvents(controlPlane.auditFeed, sink),
    });
    stops.push(() => bridge.close());
    stops.push(startHousekeeping(controlPlane, (line) => console.error(line)));
    const consoleUrl = new URL('/', bridge.url);
    // The console's origin: status shows it, and passkey ceremonies must come from it.
    controlPlane.endpoints.bridgeUrl = bridge.origin;
    hardenSession(session.defaultSession, consoleUrl.origin);
    const unregisterIpc = registerOperatorIpc({
      handlers: controlPlane.handlers,
      rendererOrigin: consoleUrl.origin,
      isOwnWindow: isOwnWebContents,
    });
    // No bridge secret in this URL: the window talks to the main process over IPC.
    const openWindow = (): BrowserWindow => createConsoleWindow({ url: consoleUrl.href, preloadPath, devTools: !app.isPackaged });
    return { controlPlane, stopServices, unregisterIpc, openWindow };
  } catch (error) {
    await stopServices().catch(() => undefined);
    await controlPlane.close();
    throw error;
  }
}

async function stop(running: Running): Promise<void> {
  running.unregisterIpc();
  try {
    await running.stopServices();
  } finally {
    await running.controlPlane.close();
  }
}
