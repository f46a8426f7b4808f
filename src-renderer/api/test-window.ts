// A minimal stand-in for the browser globals the API layer touches (tests run under Node).
import type { CharonPreloadApi } from './preload-api.js';

export interface TestWindow {
  location: { pathname: string; search: string; hash: string };
  history: { state: unknown; replaceState(state: unknown, unused: string, url: string): void };
  sessionStorage: Pick<Storage, 'getItem' | 'setItem'>;
  charon?: CharonPreloadApi;
}

export function testWindow(url: string, charon?: CharonPreloadApi): TestWindow {
  const parsed = new URL(url);
  const storage = new Map<string, string>();
  const window: TestWindow = {
    location: { pathname: parsed.pathname, search: parsed.search, hash: parsed.hash },
    history: {
      state: null,
      replaceState(_state, _unused, next) {
        const moved = new URL(next, parsed);
        window.location = { pathname: moved.pathname, search: moved.search, hash: moved.hash };
      },
    },
    sessionStorage: { getItem: (key) => storage.get(key) ?? null, setItem: (key, value) => void storage.set(key, value) },
    ...(charon ? { charon } : {}),
  };
  return window;
}
