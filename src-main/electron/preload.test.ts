// What the sandboxed preload hands the page: one function per contract method, each bound to
// its own channel. Electron's contextBridge and ipcRenderer are replaced by recorders.
import { describe, expect, it, vi } from 'vitest';
import { OPERATOR_METHODS } from '../../src-shared/operator-api.js';

const bridge = vi.hoisted(() => ({
  exposed: new Map<string, unknown>(),
  invocations: [] as unknown[][],
  listeners: new Map<string, Set<(...args: unknown[]) => void>>(),
}));
vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => bridge.exposed.set(key, api) },
  ipcRenderer: {
    invoke: (...args: unknown[]) => {
      bridge.invocations.push(args);
      return Promise.resolve({ ok: true, value: null });
    },
    on: (channel: string, listener: (...args: unknown[]) => void) => {
      const set = bridge.listeners.get(channel) ?? new Set();
      set.add(listener);
      bridge.listeners.set(channel, set);
    },
    removeListener: (channel: string, listener: (...args: unknown[]) => void) => bridge.listeners.get(channel)?.delete(listener),
  },
}));

await import('./preload.js');

type Api = Record<string, (...args: unknown[]) => Promise<unknown>>;

describe('preload', () => {
  it('exposes only window.charon, with exactly the contract methods, and window.charonEvents', () => {
    expect([...bridge.exposed.keys()]).toEqual(['charon', 'charonEvents']);
    const api = bridge.exposed.get('charon') as Api;
    expect(Object.keys(api).sort()).toEqual([...OPERATOR_METHODS].sort());
    expect(Object.values(api).every((fn) => typeof fn === 'function')).toBe(true);
    expect(Object.isFrozen(api)).toBe(true);
  });

  it('binds each function to its own channel and forwards only the input', async () => {
    const api = bridge.exposed.get('charon') as Api;
    bridge.invocations.length = 0;
    await api['identities.list']?.({ state: 'ACTIVE' }, 'operator:keys.rotate', { smuggled: true });
    await api['audit.verify']?.({});
    expect(bridge.invocations).toEqual([
      ['operator:identities.list', { state: 'ACTIVE' }],
      ['operator:audit.verify', {}],
    ]);
  });

  it('hands pushed events to the page without the Electron event object, and stops on unsubscribe', () => {
    const events = bridge.exposed.get('charonEvents') as { subscribe(listener: (message: unknown) => void): () => void };
    const heard: unknown[][] = [];
    const stop = events.subscribe((...args) => heard.push(args));
    const message = { event: 'audit.appended', data: { seq: 1 } };
    const senderLeak = { sender: { send: () => undefined }, ports: [] };
    bridge.listeners.get('operator-event')?.forEach((listener) => listener(senderLeak, message));
    stop();
    bridge.listeners.get('operator-event')?.forEach((listener) => listener(senderLeak, message));
    expect(heard).toEqual([[message]]);
  });
});
