// A minimal stand-in for the browser globals the API layer touches (tests run under Node).
import type { CharonPreloadApi } from './preload-api.js';

export interface TestWindow {
  location: { pathname: string; search: string; hash: string; reload?: () => void };
  history: { state: unknown; replaceState(state: unknown, unused: string, url: string): void };
  sessionStorage: Pick<Storage, 'getItem' | 'setItem'>;
  charon?: CharonPreloadApi;
  addEventListener(type: string, listener: () => void): void;
  /** Changes the fragment as pasting an address that differs only there would, firing `hashchange`. */
  setHash(hash: string): void;
  reloads: number;
}

export function testWindow(url: string, charon?: CharonPreloadApi): TestWindow {
  const parsed = new URL(url);
  const storage = new Map<string, string>();
  const listeners = new Map<string, (() => void)[]>();
  const reload = () => void window.reloads++;
  const window: TestWindow = {
    location: { pathname: parsed.pathname, search: parsed.search, hash: parsed.hash, reload },
    history: {
      state: null,
      replaceState(_state, _unused, next) {
        const moved = new URL(next, parsed);
        window.location = { pathname: moved.pathname, search: moved.search, hash: moved.hash, reload };
      },
    },
    addEventListener: (type, listener) => void listeners.set(type, [...(listeners.get(type) ?? []), listener]),
    setHash(hash) {
      window.location = { ...window.location, hash };
      for (const listener of listeners.get('hashchange') ?? []) listener();
    },
    reloads: 0,
    sessionStorage: { getItem: (key) => storage.get(key) ?? null, setItem: (key, value) => void storage.set(key, value) },
    ...(charon ? { charon } : {}),
  };
  return window;
}
