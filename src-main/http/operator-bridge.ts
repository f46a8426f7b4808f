import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import type { OperatorEventSink, OperatorHandlers } from '../../src-shared/operator-api.js';
import { validateOperatorCall } from '../../src-shared/validate.js';
import { CharonError, toErrorPayload } from '../core/errors.js';
import { closeServer, listen } from './agent-listener.js';
import { httpStatusOf } from './http-errors.js';
import { checkHostAndOrigin, loopbackRules, readJson, sendJson } from './http-io.js';
import { serveStatic } from './static-files.js';

export interface OperatorBridgeOptions {
  readonly handlers: OperatorHandlers;
  readonly port: number;
  readonly host?: string;
  /** The built console, served at `/` (public code; the API needs the secret). */
  readonly staticDir?: string;
  /** Subscribes to push events; returns an unsubscribe function. */
  readonly subscribe?: (sink: OperatorEventSink) => () => void;
  /** Fixed secret (tests); a random per-launch one otherwise. */
  readonly secret?: string;
}

export interface OperatorBridge {
  /** Open this in a browser: the secret travels in the fragment, which is never sent to a server. */
  readonly url: string;
  readonly origin: string;
  readonly secret: string;
  readonly port: number;
  close(): Promise<void>;
}

/**
 * The headless operator channel: the same contract as IPC, over loopback HTTP. Every API call
 * needs the per-launch secret, a Host naming this listener and, if sent, our own Origin.
 */
export async function startOperatorBridge(options: OperatorBridgeOptions): Promise<OperatorBridge> {
  const secret = options.secret ?? randomBytes(32).toString('base64url');
  const expected = Buffer.from(`Bearer ${secret}`);
  const staticDir = options.staticDir ? resolve(options.staticDir) : null;
  let port = options.port;

  const authorized = (req: IncomingMessage): boolean => {
    const given = Buffer.from(req.headers.authorization ?? '');
    return given.length === expected.length && timingSafeEqual(given, expected);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    checkHostAndOrigin(req, loopbackRules(port));
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path.startsWith('/api/')) {
      if (!authorized(req)) throw new CharonError('ERR_UNAUTHENTICATED', 'The operator bridge needs its per-launch secret');
      if (path === '/api/events' && req.method === 'GET') return streamEvents(req, res, options.subscribe);
      return answerOperatorCall(req, res, path, options.handlers);
    }
    if (req.method === 'GET' && staticDir && (await serveStatic(staticDir, path, res))) return;
    throw new CharonError('ERR_NOT_FOUND', 'Not found');
  };

  const server = createServer((req, res) => void handle(req, res).catch((error: unknown) => answerError(res, error, 'operator bridge')));
  server.headersTimeout = 10_000;
  await listen(server, options.port, options.host ?? '127.0.0.1');
  port = (server.address() as AddressInfo).port;
  // "localhost" so that the console's origin can use WebAuthn with RP ID localhost.
  const origin = `http://localhost:${port}`;
  return { url: `${origin}/#token=${secret}`, origin, secret, port, close: () => closeServer(server) };
}

/** One operator call (`POST /api/<method>`), validated, answered as a Result: the bridge's and the team console's. */
export async function answerOperatorCall(req: IncomingMessage, res: ServerResponse, path: string, handlers: OperatorHandlers): Promise<void> {
  if (req.method !== 'POST') throw new CharonError('ERR_METHOD_NOT_ALLOWED', 'Operator calls are POST');
  const call = validateOperatorCall(path.slice('/api/'.length), await readJson(req));
  if (!call.ok) return sendJson(res, httpStatusOf(call.error.code), call);
  const handler = handlers[call.value.method] as (input: unknown) => Promise<unknown>;
  return sendJson(res, 200, { ok: true, value: await handler(call.value.input) });
}

/** A failed operator request as `{ ok: false, error }` with its status (`headers` for a challenge); a stream already begun is cut. */
export function answerError(res: ServerResponse, error: unknown, listener: string, headers?: (status: number) => Record<string, string> | undefined): void {
  const payload = toErrorPayload(error);
  if (payload.code === 'ERR_INTERNAL') console.error(`charon: ${listener} error`, error);
  const status = httpStatusOf(payload.code);
  if (!res.headersSent) sendJson(res, status, { ok: false, error: payload }, headers?.(status));
  else res.destroy();
}

/** Pushed events as Server-Sent Events, until the client goes away. */
export function streamEvents(req: IncomingMessage, res: ServerResponse, subscribe: OperatorBridgeOptions['subscribe']): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
  res.write(': charon operator events\n\n');
  const unsubscribe = subscribe?.(({ event, data }) => res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`)) ?? (() => undefined);
  const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
  req.on('close', () => {
    clearInterval(keepAlive);
    unsubscribe();
  });
}
