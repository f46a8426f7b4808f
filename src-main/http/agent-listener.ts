import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { requestOrigin } from '../core/request-origin.js';
import type { AddressInfo } from 'node:net';
import type { ControlPlane } from '../app/control-plane.js';
import { CharonError, isCharonError, toErrorPayload } from '../core/errors.js';
import { httpStatusOf } from '../core/http-status.js';
import { agentApiMetadata, challenges, McpGateway, protectedResourceMetadata } from '../app/gateway-exports.js';
import { issueBody, joinTokenAttestBody, k8sAttestBody, parseBody, scopeTokens } from './agent-schemas.js';
import { grantRequestRoute } from './grant-request-routes.js';
import { OAUTH_PATHS, OAUTH_SCOPE } from '../app/oauth-exports.js';
import { isOAuthPath, oauthRoute } from './oauth-routes.js';
import { tokenRoute } from './token-route.js';
import { checkHostAndOrigin, loopbackRules, namedRules, readForm, readJson, sendError, sendJson, type HostRules } from './http-io.js';

export interface AgentListener {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** A certificate chain and its key (PEM), for the remote listener. */
export interface ListenerTls {
  readonly cert: string | Buffer;
  readonly key: string | Buffer;
}

export interface AgentListenerOptions {
  readonly port: number;
  /** A loopback address by default; with `tls`, the address agents on other hosts reach. */
  readonly host?: string;
  /** The remote listener: TLS, answering only to `names`. Never plain HTTP off loopback. */
  readonly tls?: ListenerTls;
  /** With `tls`: the names (DNS names or addresses) agents use for this listener, as in its certificate. */
  readonly names?: readonly string[];
}

/**
 * The agent-facing listener: attestation, the caller's own credentials, introspection, the
 * trust bundle and the MCP gateway. Nothing here can change operator state. On loopback it is
 * plain HTTP; for agents on other hosts the same routes are served over TLS (team mode).
 */
export async function startAgentListener(plane: ControlPlane, options: AgentListenerOptions): Promise<AgentListener> {
  let port = options.port;
  const host = options.host ?? '127.0.0.1';
  if (!options.tls && !isLoopback(host)) throw new CharonError('ERR_INVALID_INPUT', `Plain HTTP is served on loopback only: ${host} needs a TLS certificate and key`);
  if (options.tls && (options.names ?? []).length === 0) throw new CharonError('ERR_INVALID_INPUT', 'A TLS listener needs the names agents reach it by');
  let rules: HostRules = loopbackRules(port, host);
  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    handle(plane, port, rules, req, res).catch((error: unknown) => {
      // RFC 9449 §8: a proof without the current nonce is answered with one to retry with.
      const nonce: Record<string, string> = isCharonError(error, 'ERR_DPOP_NONCE_REQUIRED') ? { 'dpop-nonce': plane.gateway.nonces.current(), 'www-authenticate': 'DPoP error="use_dpop_nonce"' } : {};
      sendError(res, error, { ...challengeFor(req, port, error), ...nonce });
    });
  };
  const server: Server = options.tls ? createHttpsServer({ cert: options.tls.cert, key: options.tls.key, minVersion: 'TLSv1.2' }, handler) : createServer(handler);
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  await listen(server, options.port, host);
  port = (server.address() as AddressInfo).port;
  rules = options.tls ? namedRules(port, options.names ?? []) : loopbackRules(port, host);
  const name = options.tls ? (options.names?.[0] as string) : /^127\./.test(host) ? host : '127.0.0.1';
  return {
    url: `${options.tls ? 'https' : 'http'}://${name.includes(':') ? `[${name}]` : name}:${port}`,
    port,
    close: () => closeServer(server),
  };
}

const isLoopback = (host: string): boolean => /^127\./.test(host) || host === '::1' || host === 'localhost';

/** MCP messages carry tool arguments (file contents, for one): a larger limit than the /v1 endpoints. */
const MCP_MAX_BODY_BYTES = 4 * 1024 * 1024;

async function handle(plane: ControlPlane, port: number, rules: HostRules, req: IncomingMessage, res: ServerResponse): Promise<void> {
  checkHostAndOrigin(req, rules);
  const path = new URL(req.url ?? '/', 'http://localhost').pathname;
  const route = `${req.method ?? 'GET'} ${path}`;
  const api = plane.agentApi;
  const url = `${requestOrigin(req, `127.0.0.1:${port}`)}${path}`;
  if (McpGateway.handles(path)) {
    const body = req.method === 'POST' ? await readJson(req, MCP_MAX_BODY_BYTES) : undefined;
    return plane.gateway.gateway.handle(req, res, path, body);
  }
  if (req.method === 'GET' && path.startsWith('/.well-known/oauth-protected-resource')) {
    const origin = requestOrigin(req, `127.0.0.1:${port}`);
    const resource = path.slice('/.well-known/oauth-protected-resource'.length);
    // RFC 9728 §3.3: a document describes the resource its URL was derived from. The root one is
    // the agent API (/v1/*), whose credentials come from attestation, not from the OAuth server.
    if (resource === '') return sendJson(res, 200, agentApiMetadata(origin));
    if (!McpGateway.handles(resource)) throw new CharonError('ERR_NOT_FOUND', 'Not found');
    return sendJson(res, 200, protectedResourceMetadata(`${origin}${resource}`, origin, [OAUTH_SCOPE]));
  }
  if (req.method === 'GET' && path === OAUTH_PATHS.jwks) {
    await plane.accessKeyRing.refresh();
    return sendJson(res, 200, plane.accessKeys.jwks(), { 'cache-control': `public, max-age=${Math.min(60, plane.config.bundleRefreshHintSeconds)}` });
  }
  if (isOAuthPath(path)) return oauthRoute(plane, port, req, res);
  if (path === '/v1/grant-requests' || path.startsWith('/v1/grant-requests/')) {
    return grantRequestRoute(plane, req, res, path, () => authenticated(plane, req, url));
  }
  switch (route) {
    case 'GET /.well-known/jwks.json':
    case 'GET /.well-known/spiffe-bundle':
      await plane.keyRing.refresh();
      return sendJson(res, 200, plane.keys.bundle(), { 'cache-control': `public, max-age=${Math.min(60, plane.config.bundleRefreshHintSeconds)}` });
    case 'POST /v1/attest/join-token': {
      const dpopJkt = await plane.gateway.proofKeyFor(req, url);
      const body = parseBody(joinTokenAttestBody, await readJson(req));
      return sendJson(res, 200, await api.attestJoinToken({ agentId: body.agent_id, token: body.token, selectors: body.selectors, dpopJkt }));
    }
    case 'POST /v1/attest/k8s': {
      const dpopJkt = await plane.gateway.proofKeyFor(req, url);
      const body = parseBody(k8sAttestBody, await readJson(req));
      return sendJson(res, 200, await api.attestK8s({ agentId: body.agent_id, token: body.token, dpopJkt }));
    }
    case 'POST /v1/credentials': {
      const caller = await authenticated(plane, req, url);
      const body = parseBody(issueBody, await readJson(req));
      return sendJson(res, 200, await api.issueForSelf(caller, { audience: body.audience, scope: scopeTokens(body.scope), ttlSeconds: body.ttl_seconds }));
    }
    case 'POST /v1/credentials/rotate': {
      const caller = await authenticated(plane, req, url);
      return sendJson(res, 200, await api.rotate(caller));
    }
    case 'POST /v1/token':
      return tokenRoute(plane, req, res, url);
    case 'POST /v1/introspect': {
      // RFC 7662 §2.1: the caller authenticates; here with its own credential.
      await authenticated(plane, req, url);
      const token = (await readForm(req)).get('token');
      if (!token) throw new CharonError('ERR_INVALID_INPUT', 'token is required');
      return sendJson(res, 200, await api.introspect(token));
    }
    default:
      if (['/.well-known/jwks.json', '/.well-known/spiffe-bundle', '/v1/attest/join-token', '/v1/attest/k8s', '/v1/credentials', '/v1/credentials/rotate', '/v1/introspect', '/v1/token'].includes(path)) {
        throw new CharonError('ERR_METHOD_NOT_ALLOWED', `${req.method ?? ''} is not allowed on ${path}`);
      }
      throw new CharonError('ERR_NOT_FOUND', 'Not found');
  }
}

/** The same check as the gateway's (scheme, DPoP proof, revocation, identity ACTIVE), then the caller's credential. */
async function authenticated(plane: ControlPlane, req: IncomingMessage, url: string) {
  await plane.gateway.authenticateRequest(req, url);
  const token = /^(?:Bearer|DPoP) (\S+)$/i.exec(req.headers.authorization ?? '')?.[1] as string;
  return plane.agentApi.authenticate(token);
}

export function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/**
 * RFC 9110 §11.6.1 / RFC 6750 §3: a 401 or 403 of the agent API (`/v1/…`) names the schemes it
 * takes and what was wrong (`invalid_token`, `invalid_dpop_proof`), as the gateway's do.
 */
function challengeFor(req: IncomingMessage, port: number, error: unknown): Record<string, string> {
  const path = (req.url ?? '').split('?', 1)[0] ?? '';
  const { code, message } = toErrorPayload(error);
  const status = httpStatusOf(code);
  if (!path.startsWith('/v1/') || (status !== 401 && status !== 403)) return {};
  const kind = code === 'ERR_UNAUTHENTICATED' ? 'missing' : code;
  return { 'www-authenticate': challenges(kind, `${requestOrigin(req, `127.0.0.1:${port}`)}/.well-known/oauth-protected-resource`, message).join(', ') };
}
