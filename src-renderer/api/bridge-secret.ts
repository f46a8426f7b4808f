// The headless bridge hands out its per-launch secret in the URL fragment (never sent to a
// server, never in a log). Take it once, keep it for this tab only, and clear the address bar
// so it is not bookmarked, shared or left in history.
const STORAGE_KEY = 'charon.bridge-secret';

export function takeBridgeSecret(): string | null {
  const fragment = new URLSearchParams(window.location.hash.slice(1));
  const fromUrl = fragment.get('token');
  if (fromUrl) {
    window.sessionStorage.setItem(STORAGE_KEY, fromUrl);
    fragment.delete('token');
    const rest = fragment.toString();
    window.history.replaceState(window.history.state, '', `${window.location.pathname}${window.location.search}${rest ? `#${rest}` : ''}`);
  }
  return window.sessionStorage.getItem(STORAGE_KEY);
}

/**
 * Pasting a restarted control plane's address into this tab changes only the fragment, which
 * reloads nothing: start again with the new secret, as opening it in a new tab would.
 */
export function reloadOnNewSecret(): void {
  window.addEventListener('hashchange', () => {
    if (new URLSearchParams(window.location.hash.slice(1)).get('token')) window.location.reload();
  });
}
