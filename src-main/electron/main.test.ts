// The desktop entry point end to end, minus Electron itself (no binary on the build machines):
// a real control plane and operator bridge, with app, windows and IPC replaced by recorders.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';

type Listener = (...args: unknown[]) => unknown;

const fake = vi.hoisted(() => {
  const appListeners = new Map<string, Listener>();
  const ipcHandlers = new Map<string, Listener>();
  let exitCode: number | null = null;
  let exited: () => void = () => undefined;
  const exit = new Promise<void>((resolve) => (exited = resolve));
  class FakeContents {
    readonly id = 1;
    readonly mainFrame = { parent: null, processId: 1, routingId: 1, url: '' };
    readonly sent: unknown[][] = [];
    on() {
      return this;
    }
    setWindowOpenHandler() {}
    send(...args: unknown[]) {
      this.sent.push(args);
    }
  }
  class FakeWindow {
    static created: FakeWindow[] = [];
    static getAllWindows() {
      return FakeWindow.created;
    }
    readonly webContents = new FakeContents();
    loadedUrl = '';
    constructor(readonly options: Record<string, unknown>) {
      FakeWindow.created.push(this);
    }
    on() {
      return this;
    }
    once() {
      return this;
    }
    loadURL(url: string) {
      this.loadedUrl = url;
      this.webContents.mainFrame.url = url;
      return Promise.resolve();
    }
    isDestroyed() {
      return false;
    }
    isMinimized() {
      return false;
    }
    focus() {}
  }
  class FakeTray {
    static made: FakeTray[] = [];
    title = '';
    tooltip = '';
    menu: { label?: string; click?: () => void }[] = [];
    destroyed = false;
    constructor(readonly image: unknown) {
      FakeTray.made.push(this);
    }
    setToolTip(text: string) {
      this.tooltip = text;
    }
    setTitle(text: string) {
      this.title = text;
    }
    setContextMenu(menu: { label?: string; click?: () => void }[]) {
      this.menu = menu;
    }
    on() {
      return this;
    }
    destroy() {
      this.destroyed = true;
    }
  }
  const notifications: { title: string; body: string }[] = [];
  class FakeNotification {
    static isSupported() {
      return true;
    }
    constructor(readonly options: { title: string; body: string }) {}
    on() {
      return this;
    }
    show() {
      notifications.push({ title: this.options.title, body: this.options.body });
    }
  }
  const sessionRecorder = {
    webRequest: { onHeadersReceived: () => undefined },
    setPermissionRequestHandler: () => undefined,
    setPermissionCheckHandler: () => undefined,
    setDevicePermissionHandler: () => undefined,
    on: () => undefined,
  };
  const electron = {
    Tray: FakeTray,
    Notification: FakeNotification,
    Menu: { buildFromTemplate: (template: unknown[]) => template },
    nativeImage: { createFromPath: (path: string) => ({ path }) },
    app: {
      isPackaged: false,
      enableSandbox: () => undefined,
      requestSingleInstanceLock: () => true,
      whenReady: () => Promise.resolve(),
      on: (name: string, listener: Listener) => appListeners.set(name, listener),
      quit: () => undefined,
      exit: (code: number) => {
        exitCode = code;
        exited();
      },
    },
    BrowserWindow: FakeWindow,
    dialog: { showErrorBox: (title: string, message: string) => console.error(title, message) },
    // Reversible stand-in for the OS keychain.
    safeStorage: {
      isEncryptionAvailable: () => true,
      encryptString: (text: string) => Buffer.from(`sealed:${text}`),
      decryptString: (sealed: Buffer) => sealed.toString().slice('sealed:'.length),
    },
    session: { defaultSession: sessionRecorder },
    shell: { openExternal: () => Promise.resolve() },
    ipcMain: {
      handle: (channel: string, listener: Listener) => ipcHandlers.set(channel, listener),
      removeHandler: (channel: string) => ipcHandlers.delete(channel),
    },
  };
  return { electron, FakeWindow, FakeTray, notifications, appListeners, ipcHandlers, exit, exitCode: () => exitCode };
});
vi.mock('electron', () => fake.electron);

const dataDir = mkdtempSync(join(tmpdir(), 'charon-desktop-'));
// Any free port for the agent listener, so this test never collides with a running Charon.
writeFileSync(join(dataDir, 'config.json'), JSON.stringify({ agentPort: 0 }));
vi.stubEnv('CHARON_DATA_DIR', dataDir);
await import('./main.js');

afterAll(() => {
  vi.unstubAllEnvs();
  rmSync(dataDir, { recursive: true, force: true });
});

async function consoleWindow() {
  await vi.waitFor(() => expect(fake.FakeWindow.created.length).toBe(1), { timeout: 15_000 });
  const window = fake.FakeWindow.created[0];
  if (!window) throw new Error('no window');
  return window;
}

describe('desktop main process', () => {
  it('opens one hardened window on the bridge origin, without the bridge secret in its URL', async () => {
    const window = await consoleWindow();
    expect(window.loadedUrl).toMatch(/^http:\/\/localhost:\d+\/$/);
    expect(window.options.webPreferences).toMatchObject({ sandbox: true, contextIsolation: true, nodeIntegration: false });
    expect(String((window.options.webPreferences as { preload: string }).preload)).toMatch(/preload[/\\]preload\.cjs$/);
  });

  it('keeps the master key sealed by the OS keychain, not in a plain key file', async () => {
    await consoleWindow();
    expect(existsSync(join(dataDir, 'master-key.safe'))).toBe(true);
    expect(existsSync(join(dataDir, 'master-key.json'))).toBe(false);
  });

  it('serves the operator API to that window over IPC', async () => {
    const window = await consoleWindow();
    const statusGet = fake.ipcHandlers.get('operator:status.get');
    const result = await statusGet?.({ sender: window.webContents, senderFrame: window.webContents.mainFrame }, {});
    expect(result).toMatchObject({ ok: true, value: { dataDir, trustDomain: 'charon.local' } });
  });

  it('keeps the bridge API closed to callers without the secret', async () => {
    const window = await consoleWindow();
    const response = await fetch(new URL('/api/status.get', window.loadedUrl), { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
    expect(response.status).toBe(401);
  });

  it('runs the gateway (agent listener) alongside the window, and keeps it when the window closes', async () => {
    const window = await consoleWindow();
    const status = (await fake.ipcHandlers.get('operator:status.get')?.({ sender: window.webContents, senderFrame: window.webContents.mainFrame }, {})) as { value: { agentUrl: string } };
    const bundle = await fetch(new URL('/.well-known/jwks.json', status.value.agentUrl));
    expect(bundle.status).toBe(200);
    fake.appListeners.get('window-all-closed')?.();
    expect(fake.exitCode()).toBeNull();
    expect((await fetch(new URL('/.well-known/jwks.json', status.value.agentUrl))).status).toBe(bundle.status);
  });

  it('pushes audit records to the window; the tray shows the pending count and the way to quit', async () => {
    const window = await consoleWindow();
    const call = (method: string, input: unknown) => fake.ipcHandlers.get(`operator:${method}`)?.({ sender: window.webContents, senderFrame: window.webContents.mainFrame }, input);
    await call('identities.register', { id: 'pushed', owner: 'alice', environment: 'dev' });
    // The feed reads committed records back from the store on the next turn of the event loop.
    await new Promise((resolve) => setImmediate(resolve));
    const pushed = window.webContents.sent.filter(([channel]) => channel === 'operator-event').map(([, message]) => message);
    expect(pushed).toContainEqual({ event: 'audit.appended', data: expect.objectContaining({ kind: 'identity.register', subject: 'spiffe://charon.local/agent/pushed' }) });
    const tray = fake.FakeTray.made[0];
    expect(tray?.tooltip).toBe('Charon — No pending approvals');
    expect(tray?.menu.map((item) => item.label)).toContain('Quit Charon (stops the gateway)');
  });

  it('closes the bridge and the control plane before exiting on quit', async () => {
    const window = await consoleWindow();
    const event = { defaultPrevented: false, preventDefault() { this.defaultPrevented = true; } };
    fake.appListeners.get('will-quit')?.(event);
    expect(event.defaultPrevented).toBe(true);
    await fake.exit;
    expect(fake.exitCode()).toBe(0);
    expect(fake.ipcHandlers.size).toBe(0);
    await expect(fetch(new URL('/api/status.get', window.loadedUrl), { method: 'POST', body: '{}' })).rejects.toThrow();
  });
});
