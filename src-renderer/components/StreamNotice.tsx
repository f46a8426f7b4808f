import type { StreamState } from '../live/event-stream.js';

/**
 * What the owner must do when the console lost the control plane: a restarted `charon serve`
 * has a new per-launch secret (and, unless started with --bridge-port, a new port), so this
 * page can never reconnect by itself. Says so, instead of "reconnecting…" forever.
 */
export function StreamNotice({ state }: { state: StreamState }) {
  if (state === 'rejected') {
    return (
      <div role="alert" className="notice notice-error stream-notice">
        <strong>The control plane restarted, with a new secret.</strong> This page can no longer reach it and shows what it last knew. Open the
        console address that <code>charon serve</code> printed when it started (<code>http://localhost:…/#token=…</code>).
      </div>
    );
  }
  if (state === 'unreachable') {
    return (
      <div role="alert" className="notice notice-error stream-notice">
        <strong>The control plane is not answering.</strong> What you see may be out of date. If <code>charon serve</code> was stopped, start it again and
        open the console address it prints; this page keeps trying meanwhile.
      </div>
    );
  }
  return null;
}
