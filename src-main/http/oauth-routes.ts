// The authorization server's endpoints on the agent listener (RFC 8414 metadata, RFC 7591
// registration, the authorization endpoint and its waiting page, the token endpoint). Errors
// are RFC 6749 `{ error, error_description }`, with Charon's stable `code` beside them.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ControlPlane } from '../app/control-plane.js';
import { authorizationServerMetadata, OAUTH_PATHS, oauthErrorOf, type AuthorizeOutcome } from '../app/oauth-exports.js';
import { CharonError, toErrorPayload } from '../core/errors.js';
import { httpStatusOf } from './http-errors.js';
import { loopbackOrigins, readForm, readJson, sendJson } from './http-io.js';

const PATHS: ReadonlySet<string> = new Set(Object.values(OAUTH_PATHS));

export const isOAuthPath = (path: string): boolean => PATHS.has(path);

export async function oauthRoute(plane: ControlPlane, port: number, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const issuer = `http://${req.headers.host ?? `127.0.0.1:${port}`}`;
  const route = `${req.method ?? 'GET'} ${url.pathname}`;
  let endpoint: 'authorize' | 'token' | 'register' = 'token';
  try {
    switch (route) {
      case `GET ${OAUTH_PATHS.metadata}`:
        return sendJson(res, 200, authorizationServerMetadata(issuer), { 'cache-control': 'public, max-age=60' });
      case `POST ${OAUTH_PATHS.register}`:
        endpoint = 'register';
        return sendJson(res, 201, plane.oauth.register((await readJson(req)) as Record<string, unknown>));
      case `GET ${OAUTH_PATHS.authorize}`: {
        endpoint = 'authorize';
        const allowed = (resource: string) => isGatewayResource(plane, port, resource);
        return answer(res, await plane.oauth.authorize(url.searchParams, issuer, `${issuer}/mcp`, allowed));
      }
      case `GET ${OAUTH_PATHS.resume}`:
        endpoint = 'authorize';
        return answer(res, plane.oauth.resume(url.searchParams.get('txn') ?? '', issuer));
      case `POST ${OAUTH_PATHS.token}`: {
        // A DPoP proof at the token endpoint binds the access and refresh tokens to its key (RFC 9449 §5).
        const jkt = await plane.gateway.proofKeyFor(req, `${issuer}${OAUTH_PATHS.token}`);
        return sendJson(res, 200, await plane.oauth.token(await readForm(req), jkt), { pragma: 'no-cache' });
      }
      default:
        throw new CharonError('ERR_METHOD_NOT_ALLOWED', `${req.method ?? ''} is not allowed on ${url.pathname}`);
    }
  } catch (error) {
    const payload = toErrorPayload(error);
    const oauthError = oauthErrorOf(payload.code, endpoint);
    // RFC 6749 §5.2: token errors are 400, a bad client 401; the rest keep their usual status.
    const status = payload.code === 'ERR_OAUTH_INVALID_CLIENT' ? 401 : ['invalid_request', 'invalid_grant', 'invalid_target', 'unsupported_grant_type', 'invalid_dpop_proof', 'use_dpop_nonce', 'invalid_redirect_uri', 'invalid_client_metadata'].includes(oauthError) ? 400 : httpStatusOf(payload.code);
    // RFC 9449 §8: a proof without the current nonce is answered with one to retry with.
    const nonce: Record<string, string> = oauthError === 'use_dpop_nonce' ? { 'dpop-nonce': plane.gateway.nonces.current() } : {};
    sendJson(res, status, { error: oauthError, error_description: payload.message, code: payload.code, message: payload.message }, nonce);
  }
}

/** RFC 8707: the resource must be this gateway's MCP endpoint (all servers, or one that exists). */
function isGatewayResource(plane: ControlPlane, port: number, resource: string): boolean {
  let url: URL;
  try {
    url = new URL(resource);
  } catch {
    return false;
  }
  if (!loopbackOrigins(port).includes(url.origin) || url.search || url.hash) return false;
  return url.pathname === '/mcp' || (url.pathname.startsWith('/mcp/') && plane.downstream.has(url.pathname.slice('/mcp/'.length)));
}

function answer(res: ServerResponse, outcome: AuthorizeOutcome): void {
  if (outcome.kind === 'redirect') {
    res.writeHead(302, { location: outcome.location, 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' });
    res.end();
    return;
  }
  const resume = `${OAUTH_PATHS.resume}?txn=${encodeURIComponent(outcome.txn)}`;
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="2;url=${escapeHtml(resume)}"><title>Waiting for approval — Charon</title></head>
<body><main><h1>Waiting for the owner's approval</h1>
<p>A client that calls itself “${escapeHtml(outcome.clientName)}” (a name it chose itself) asks to connect to Charon's MCP gateway. Approve grant request <code>${escapeHtml(outcome.requestId)}</code> with your passkey in the Charon console (Approvals); this page continues by itself.</p>
<p><a href="${escapeHtml(resume)}" data-request-id="${escapeHtml(outcome.requestId)}">Continue</a></p></main></body></html>`;
  res.writeHead(200, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': Buffer.byteLength(html),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
    'x-charon-grant-request': outcome.requestId,
  });
  res.end(html);
}

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
