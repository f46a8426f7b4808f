// The hardened window factory, with Electron's BrowserWindow, session and shell replaced by
// recorders: the options it passes and the guards it installs are what this checks.
import { beforeEach, describe, expect, it, vi } from 'vitest';

type Listener = (...args: unknown[]) => unknown;

const electron = vi.hoisted(() => {
  class FakeContents {
    static nextId = 1;
    readonly id = FakeContents.nextId++;
    readonly listeners = new Map<string, Listener>();
    windowOpenHandler: Listener | null = null;
    on(name: string, listener: Listener) {
      this.listeners.set(name, listener);
      return this;
    }
    setWindowOpenHandler(handler: Listener) {
      this.windowOpenHandler = handler;
    }
  }
  class FakeWindow {
    static created: FakeWindow[] = [];
    readonly webContents = new FakeContents();
    readonly listeners = new Map<string, Listener>();
    loadedUrl: string | null = null;
    constructor(readonly options: Record<string, unknown>) {
      FakeWindow.created.push(this);
    }
    on(name: string, listener: Listener) {
      this.listeners.set(name, listener);
      return this;
    }
    once(name: string, listener: Listener) {
      return this.on(name, listener);
    }
    show() {}
    loadURL(url: string) {
      this.loadedUrl = url;
      return Promise.resolve();
    }
  }
  const opened: string[] = [];
  return { FakeWindow, opened, shell: { openExternal: (url: string) => (opened.push(url), Promise.resolve()) } };
});
vi.mock('electron', () => ({ BrowserWindow: electron.FakeWindow, shell: electron.shell }));

const { createConsoleWindow, hardenSession, isOwnWebContents, openExternalLink, CONTENT_SECURITY_POLICY } = await import('./window.js');

const ORIGIN = 'http://localhost:41234';

function newWindow(devTools = false) {
  createConsoleWindow({ url: `${ORIGIN}/`, preloadPath: '/app/out/preload/preload.cjs', devTools });
  const window = electron.FakeWindow.created.at(-1);
  if (!window) throw new Error('no window created');
  return window;
}

function preventable() {
  return { defaultPrevented: false, preventDefault() { this.defaultPrevented = true; } };
}

beforeEach(() => {
  electron.opened.length = 0;
});

describe('createConsoleWindow', () => {
  it('turns on every isolation setting and loads the console', () => {
    const window = newWindow();
    expect(window.options.webPreferences).toMatchObject({
      preload: '/app/out/preload/preload.cjs',
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      devTools: false,
    });
    expect(window.loadedUrl).toBe(`${ORIGIN}/`);
    // Only an unpackaged (development) app opens DevTools.
    expect(newWindow(true).options.webPreferences).toMatchObject({ devTools: true });
  });

  it('counts its window as ours until it closes', () => {
    const window = newWindow();
    expect(isOwnWebContents(window.webContents as never)).toBe(true);
    expect(isOwnWebContents({ id: 10_000 } as never)).toBe(false);
    window.listeners.get('closed')?.();
    expect(isOwnWebContents(window.webContents as never)).toBe(false);
  });

  it('denies navigation, frame navigation and webviews', () => {
    const contents = newWindow().webContents;
    for (const name of ['will-navigate', 'will-frame-navigate', 'will-attach-webview']) {
      const event = preventable();
      contents.listeners.get(name)?.(event, 'https://evil.example/');
      expect(event.defaultPrevented, name).toBe(true);
    }
  });

  it('denies every new window; an https link goes to the browser instead', async () => {
    const contents = newWindow().webContents;
    expect(contents.windowOpenHandler?.({ url: 'https://spiffe.io/docs/' })).toEqual({ action: 'deny' });
    expect(contents.windowOpenHandler?.({ url: 'http://example.com/' })).toEqual({ action: 'deny' });
    expect(contents.windowOpenHandler?.({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' });
    await Promise.resolve();
    expect(electron.opened).toEqual(['https://spiffe.io/docs/']);
  });
});

describe('openExternalLink', () => {
  it.each(['http://example.com/', 'file:///etc/passwd', 'javascript:alert(1)', 'smb://host/share', 'https://user:pw@example.com/', 'not a url'])(
    'refuses %s',
    async (url) => {
      expect(await openExternalLink(url)).toBe(false);
      expect(electron.opened).toEqual([]);
    },
  );

  it('opens an https URL', async () => {
    expect(await openExternalLink('https://example.com/a?b=c')).toBe(true);
    expect(electron.opened).toEqual(['https://example.com/a?b=c']);
  });
});

describe('hardenSession', () => {
  function fakeSession() {
    const recorded: Record<string, Listener> = {};
    const session = {
      webRequest: { onHeadersReceived: (listener: Listener) => (recorded.headers = listener) },
      setPermissionRequestHandler: (handler: Listener) => (recorded.request = handler),
      setPermissionCheckHandler: (handler: Listener) => (recorded.check = handler),
      setDevicePermissionHandler: (handler: Listener) => (recorded.device = handler),
      on: (name: string, listener: Listener) => (recorded[name] = listener),
    };
    hardenSession(session as never, ORIGIN);
    return recorded;
  }

  it('adds the CSP to every response', () => {
    const recorded = fakeSession();
    let answer: unknown;
    recorded.headers?.({ responseHeaders: { 'content-type': ['text/html'] } }, (response: unknown) => (answer = response));
    expect(answer).toEqual({ responseHeaders: { 'content-type': ['text/html'], 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
    for (const directive of ["default-src 'self'", "script-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'", "connect-src 'self'"]) {
      expect(CONTENT_SECURITY_POLICY).toContain(directive);
    }
  });

  it('grants only clipboard writes, and only to the console origin', () => {
    const recorded = fakeSession();
    const ask = (permission: string, url: string) => {
      let granted: unknown;
      recorded.request?.({}, permission, (value: boolean) => (granted = value), { requestingUrl: url });
      return granted;
    };
    expect(ask('clipboard-sanitized-write', `${ORIGIN}/`)).toBe(true);
    expect(ask('clipboard-sanitized-write', 'https://evil.example/')).toBe(false);
    for (const permission of ['media', 'geolocation', 'notifications', 'openExternal', 'clipboard-read', 'hid']) {
      expect(ask(permission, `${ORIGIN}/`), permission).toBe(false);
    }
    expect(recorded.check?.({}, 'clipboard-sanitized-write', ORIGIN)).toBe(true);
    expect(recorded.check?.({}, 'media', ORIGIN)).toBe(false);
    expect(recorded.device?.({})).toBe(false);
  });

  it('cancels downloads', () => {
    const recorded = fakeSession();
    const event = preventable();
    recorded['will-download']?.(event);
    expect(event.defaultPrevented).toBe(true);
  });
});
