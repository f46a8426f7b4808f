// The one place windows are made and locked down: every BrowserWindow of the app comes from
// createConsoleWindow, and the session it uses is hardened by hardenSession.
import { BrowserWindow, shell, type Session, type WebContents } from 'electron';
import { CONSOLE_CSP } from '../../src-shared/csp.js';

/** Applied as a response header to everything the session loads (the page carries a meta copy too). */
export const CONTENT_SECURITY_POLICY = CONSOLE_CSP;

// What the console may ask for: writing to the clipboard (copying a join token). Nothing else.
const ALLOWED_PERMISSIONS: ReadonlySet<string> = new Set(['clipboard-sanitized-write']);

const ownContents = new Set<number>();

/** True for the webContents of a window made by createConsoleWindow and still open. */
export function isOwnWebContents(contents: WebContents): boolean {
  return ownContents.has(contents.id);
}

export interface ConsoleWindowOptions {
  /** The console's URL on the loopback operator bridge, e.g. `http://localhost:41234/`. */
  readonly url: string;
  /** Absolute path of the bundled preload (CommonJS). */
  readonly preloadPath: string;
  /** DevTools only in development: a packaged app gives no console into the operator page. */
  readonly devTools: boolean;
}

export function createConsoleWindow(options: ConsoleWindowOptions): BrowserWindow {
  const window = new BrowserWindow({
    width: 1280,
    height: 820,
    minWidth: 720,
    minHeight: 480,
    title: 'Charon',
    show: false,
    autoHideMenuBar: true,
    webPreferences: {
      preload: options.preloadPath,
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      devTools: options.devTools,
      spellcheck: false,
    },
  });
  const id = window.webContents.id;
  ownContents.add(id);
  window.on('closed', () => ownContents.delete(id));
  guardContents(window.webContents);
  window.once('ready-to-show', () => window.show());
  void window.loadURL(options.url);
  return window;
}

/** The console is a single page: it never navigates, never opens windows, never embeds. */
function guardContents(contents: WebContents): void {
  contents.on('will-navigate', (event) => event.preventDefault());
  contents.on('will-frame-navigate', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    // A link meant for the outside world opens in the user's browser, if it passes the check.
    void openExternalLink(url);
    return { action: 'deny' };
  });
}

/** Opens a link in the user's browser: https only, without credentials in the URL. */
export async function openExternalLink(raw: string): Promise<boolean> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return false;
  }
  if (url.protocol !== 'https:' || url.username !== '' || url.password !== '') return false;
  await shell.openExternal(url.href);
  return true;
}

/** CSP on every response, permissions denied except the few the console needs, no downloads. */
export function hardenSession(session: Session, rendererOrigin: string): void {
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
  });
  session.setPermissionRequestHandler((_contents, permission, callback, details) => {
    callback(isAllowedPermission(permission, details.requestingUrl, rendererOrigin));
  });
  session.setPermissionCheckHandler((_contents, permission, requestingOrigin) =>
    isAllowedPermission(permission, requestingOrigin, rendererOrigin),
  );
  session.setDevicePermissionHandler(() => false);
  session.on('will-download', (event) => event.preventDefault());
}

function isAllowedPermission(permission: string, requesting: string, rendererOrigin: string): boolean {
  if (!ALLOWED_PERMISSIONS.has(permission)) return false;
  try {
    return new URL(requesting).origin === rendererOrigin;
  } catch {
    return false;
  }
}
