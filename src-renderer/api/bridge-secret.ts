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
