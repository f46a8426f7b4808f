// The authorization server's endpoints on the agent listener (RFC 8414 metadata, RFC 7591
// registration, the authorization endpoint and its waiting page, the token endpoint). Errors
// are RFC 6749 `{ error, error_description }`, with Charon's stable `code` beside them.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { requestOrigin } from '../core/request-origin.js';
import type { ControlPlane } from '../app/control-plane.js';
import { authorizationServerMetadata, OAUTH_PATHS, oauthErrorOf, type AuthorizeOutcome } from '../app/oauth-exports.js';
import { CharonError, toErrorPayload } from '../core/errors.js';
import { httpStatusOf } from './http-errors.js';
import { loopbackOrigins, readForm, readJson, sendJson } from './http-io.js';
import { sendErrorPage, sendWaitingPage } from './oauth-pages.js';
import { exchangeTokens, TOKEN_EXCHANGE } from './token-route.js';

const PATHS: ReadonlySet<string> = new Set(Object.values(OAUTH_PATHS));

export const isOAuthPath = (path: string): boolean => PATHS.has(path);

export async function oauthRoute(plane: ControlPlane, port: number, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const issuer = requestOrigin(req, `127.0.0.1:${port}`);
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
        const form = await readForm(req);
        // One token endpoint for what the metadata lists: RFC 8693 exchange is the delegation service's.
        if (form.get('grant_type') === TOKEN_EXCHANGE) return exchangeTokens(plane, req, res, `${issuer}${OAUTH_PATHS.token}`, form);
        // A DPoP proof at the token endpoint binds the access and refresh tokens to its key (RFC 9449 §5).
        const jkt = await plane.gateway.proofKeyFor(req, `${issuer}${OAUTH_PATHS.token}`);
        return sendJson(res, 200, await plane.oauth.token(form, jkt), { pragma: 'no-cache' });
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
    // An authorization error reaching this point could not be redirected: a person is looking at it.
    if (endpoint === 'authorize' && !wantsJson(req)) return sendErrorPage(res, status, { error: oauthError, code: payload.code, message: payload.message });
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
  sendWaitingPage(res, outcome);
}

/** A client asking for JSON gets JSON; a person's browser (text/html, or anything) gets a page. */
const wantsJson = (req: IncomingMessage): boolean => /^application\/json\b/i.test(req.headers.accept ?? '');
