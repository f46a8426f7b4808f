// Electron main entry: the same ControlPlane as `charon serve`, with the console in a
// hardened window. The console is served by the loopback operator bridge at
// http://localhost:<port>/ so that WebAuthn works with RP ID `localhost` (a custom scheme
// is not a secure context for it); in this window it calls the operator API over IPC.
import { fileURLToPath } from 'node:url';
import { app, dialog, safeStorage, session, type BrowserWindow } from 'electron';
import { ControlPlane } from '../app/control-plane.js';
import { defaultDataDir } from '../app/data-dir.js';
import { electronSafeStorageProvider } from '../app/master-key.js';
import { startOperatorBridge } from '../http/operator-bridge.js';
import { registerOperatorIpc } from './ipc.js';
import { createConsoleWindow, hardenSession, isOwnWebContents } from './window.js';

// Paths relative to the bundle electron-vite writes: out/main/index.js, out/preload/preload.cjs, out/renderer/.
const preloadPath = fileURLToPath(new URL('../preload/preload.cjs', import.meta.url));
const rendererDir = fileURLToPath(new URL('../renderer', import.meta.url));

interface Running {
  readonly controlPlane: ControlPlane;
  readonly closeBridge: () => Promise<void>;
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
  app.on('second-instance', showWindow);
  app.on('activate', showWindow);
  app.on('window-all-closed', () => {
    // macOS apps stay alive without windows until quit explicitly.
    if (process.platform !== 'darwin') app.quit();
  });
  let stopping = false;
  app.on('will-quit', (event) => {
    // Close the store and listeners before the process goes; then leave for real.
    event.preventDefault();
    if (stopping) return;
    stopping = true;
    void stop(running).finally(() => app.exit(0));
  });
}

async function start(): Promise<Running> {
  await app.whenReady();
  const controlPlane = await ControlPlane.open({
    dataDir: defaultDataDir(),
    masterKeyProvider: electronSafeStorageProvider(safeStorage),
  });
  try {
    const bridge = await startOperatorBridge({ handlers: controlPlane.handlers, port: 0, staticDir: rendererDir });
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
    const openWindow = (): BrowserWindow => createConsoleWindow({ url: consoleUrl.href, preloadPath });
    return { controlPlane, closeBridge: () => bridge.close(), unregisterIpc, openWindow };
  } catch (error) {
    await controlPlane.close();
    throw error;
  }
}

async function stop(running: Running): Promise<void> {
  running.unregisterIpc();
  try {
    await running.closeBridge();
  } finally {
    await running.controlPlane.close();
  }
}
