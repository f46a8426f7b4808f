// The IPC boundary against a real control plane; only Electron's ipcMain is replaced, since
// no Electron binary exists on the build machines.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { OPERATOR_METHODS, type OperatorHandlers } from '../../src-shared/operator-api.js';
import { openTestPlane, type TestPlane } from '../test-support/control-plane.js';

const ipc = vi.hoisted(() => ({ handlers: new Map<string, (event: unknown, ...args: unknown[]) => Promise<unknown>>() }));
vi.mock('electron', () => ({
  ipcMain: {
    handle: (channel: string, listener: (event: unknown, ...args: unknown[]) => Promise<unknown>) => {
      if (ipc.handlers.has(channel)) throw new Error(`second handler for ${channel}`);
      ipc.handlers.set(channel, listener);
    },
    removeHandler: (channel: string) => ipc.handlers.delete(channel),
  },
}));

const { registerOperatorIpc } = await import('./ipc.js');

const ORIGIN = 'http://localhost:41234';
const OWN_CONTENTS_ID = 7;

interface FakeFrame {
  parent: FakeFrame | null;
  processId: number;
  routingId: number;
  url: string;
}

function frame(overrides: Partial<FakeFrame> = {}): FakeFrame {
  return { parent: null, processId: 3, routingId: 1, url: `${ORIGIN}/`, ...overrides };
}

/** An invoke event from the main frame of our window unless told otherwise. */
function event(options: { senderFrame?: FakeFrame | null; mainFrame?: FakeFrame; contentsId?: number } = {}) {
  const mainFrame = options.mainFrame ?? frame();
  return {
    senderFrame: options.senderFrame === undefined ? mainFrame : options.senderFrame,
    sender: { id: options.contentsId ?? OWN_CONTENTS_ID, mainFrame },
  };
}

function invoke(method: string, payload: unknown, ev: unknown = event()): Promise<unknown> {
  const listener = ipc.handlers.get(`operator:${method}`);
  if (!listener) throw new Error(`no handler for ${method}`);
  return listener(ev, payload);
}

let t: TestPlane;
let unregister: () => void;

function register(handlers: OperatorHandlers): void {
  unregister = registerOperatorIpc({ handlers, rendererOrigin: ORIGIN, isOwnWindow: (contents) => contents.id === OWN_CONTENTS_ID });
}

beforeEach(async () => {
  t = await openTestPlane();
});

afterEach(async () => {
  unregister?.();
  await t.close();
});

describe('registerOperatorIpc', () => {
  it('registers exactly one channel per contract method and removes them all', () => {
    register(t.plane.handlers);
    expect([...ipc.handlers.keys()].sort()).toEqual(OPERATOR_METHODS.map((m) => `operator:${m}`).sort());
    unregister();
    expect(ipc.handlers.size).toBe(0);
  });

  it('answers a valid call from our window with the value', async () => {
    register(t.plane.handlers);
    const result = await invoke('identities.register', { id: 'agent-1', owner: 'alice', environment: 'dev' });
    expect(result).toMatchObject({ ok: true, value: { id: 'agent-1', state: 'PROVISIONED' } });
    expect(await invoke('identities.list', {})).toMatchObject({ ok: true, value: [{ id: 'agent-1' }] });
  });

  it('refuses bad input with ERR_INVALID_INPUT and changes nothing', async () => {
    register(t.plane.handlers);
    const result = await invoke('identities.register', { id: 'Bad Id', owner: 'alice', environment: 'dev' });
    expect(result).toMatchObject({ ok: false, error: { code: 'ERR_INVALID_INPUT' } });
    expect(await invoke('identities.list', {})).toEqual({ ok: true, value: [] });
  });

  it('passes typed refusals through with their code', async () => {
    register(t.plane.handlers);
    expect(await invoke('identities.get', { id: 'nobody' })).toMatchObject({ ok: false, error: { code: 'ERR_IDENTITY_NOT_FOUND' } });
  });

  it('hides unexpected errors behind ERR_INTERNAL without their message or stack', async () => {
    const failing: OperatorHandlers = {
      ...t.plane.handlers,
      'status.get': () => Promise.reject(new Error('EACCES: /home/alice/.config/Charon/charon.db')),
    };
    register(failing);
    const spy = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const result = await invoke('status.get', {});
    spy.mockRestore();
    expect(result).toEqual({ ok: false, error: { code: 'ERR_INTERNAL', message: 'Internal error; see the control plane log.' } });
  });

  const refusals: [string, unknown][] = [
    ['a frame that is gone', event({ senderFrame: null })],
    ['an iframe', event({ senderFrame: frame({ parent: frame(), routingId: 2 }) })],
    ['a frame other than the main frame', event({ senderFrame: frame({ routingId: 9 }) })],
    ['a window we did not create', event({ contentsId: 99 })],
    ['another origin', event({ mainFrame: frame({ url: 'https://evil.example/' }) })],
    ['our host on another port', event({ mainFrame: frame({ url: 'http://localhost:41235/' }) })],
    ['127.0.0.1 instead of localhost', event({ mainFrame: frame({ url: 'http://127.0.0.1:41234/' }) })],
    ['a file URL', event({ mainFrame: frame({ url: 'file:///etc/passwd' }) })],
    ['an unparseable URL', event({ mainFrame: frame({ url: 'not a url' }) })],
  ];
  for (const [name, ev] of refusals) {
    it(`refuses ${name} with ERR_FORBIDDEN before touching the control plane`, async () => {
      register(t.plane.handlers);
      const result = await invoke('identities.register', { id: 'agent-1', owner: 'alice', environment: 'dev' }, ev);
      expect(result).toMatchObject({ ok: false, error: { code: 'ERR_FORBIDDEN' } });
      expect(await t.plane.handlers['identities.list']({})).toEqual([]);
    });
  }
});
