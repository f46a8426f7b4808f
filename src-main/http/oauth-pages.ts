// What a person's browser shows during an OAuth authorization: the page that waits for the
// owner's approval, and the page for an error that cannot be sent back to the client (an
// unknown client, a redirect URI that does not match: redirecting would make us an open
// redirector). Plain HTML, no script, nothing loaded from elsewhere.
import type { ServerResponse } from 'node:http';
import { OAUTH_PATHS } from '../app/oauth-exports.js';

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const STYLE = 'body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;color:#1f2328}code{background:#f0f2f4;padding:0 .25rem;border-radius:3px}.muted{color:#59636e}';

function sendPage(res: ServerResponse, status: number, title: string, body: string, headers: Record<string, string> = {}, refresh?: string): void {
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8">${refresh ? `<meta http-equiv="refresh" content="2;url=${escapeHtml(refresh)}">` : ''}<meta name="viewport" content="width=device-width"><title>${escapeHtml(title)} — Charon</title><style>${STYLE}</style></head>
<body><main>${body}</main></body></html>`;
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': Buffer.byteLength(html),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
    ...headers,
  });
  res.end(html);
}

/** Shown while the owner has not decided; it reloads itself every two seconds. */
export function sendWaitingPage(res: ServerResponse, w: { txn: string; requestId: string; clientName: string }): void {
  const resume = `${OAUTH_PATHS.resume}?txn=${encodeURIComponent(w.txn)}`;
  sendPage(
    res,
    200,
    'Waiting for approval',
    `<h1>Waiting for the owner's approval</h1>
<p>A client that calls itself “${escapeHtml(w.clientName)}” (a name it chose itself) asks to connect to Charon's MCP gateway. Approve grant request <code>${escapeHtml(w.requestId)}</code> with your passkey in the Charon console (Approvals); this page continues by itself.</p>
<p class="muted">The request lapses 15 minutes after it was made; the client must then start again.</p>
<p><a href="${escapeHtml(resume)}" data-request-id="${escapeHtml(w.requestId)}">Continue</a></p>`,
    { 'x-charon-grant-request': w.requestId },
    resume,
  );
}

/** An authorization error that cannot go back to the client: said in words, with the stable code. */
export function sendErrorPage(res: ServerResponse, status: number, e: { error: string; code: string; message: string }): void {
  sendPage(
    res,
    status,
    'Cannot connect',
    `<h1>This connection cannot continue</h1>
<p>${escapeHtml(e.message)}</p>
<p class="muted">Nothing was sent back to the application that opened this page, since Charon could not confirm where to send it. Close this tab and start the connection again from the application. If it keeps failing, the application's OAuth settings do not match what Charon accepts: loopback redirect URIs, PKCE with S256.</p>
<p class="muted">Error <code>${escapeHtml(e.error)}</code> · <code data-error-code="${escapeHtml(e.code)}">${escapeHtml(e.code)}</code></p>`,
    { 'x-charon-error-code': e.code },
  );
}
