import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ErrorPayload } from '../../src-shared/errors.js';
import { CharonError, toErrorPayload } from '../core/errors.js';
import { errorBody, httpStatusOf } from './http-errors.js';

export const MAX_BODY_BYTES = 64 * 1024;

const SECURITY_HEADERS = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
} as const;

/**
 * Reads a body up to `limit` bytes; a larger one is refused before it is buffered. Listeners
 * rather than `for await`: every MCP call reads a body, and an async iterator per request costs
 * more than reading a small one.
 */
export function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) return Promise.reject(new CharonError('ERR_PAYLOAD_TOO_LARGE', `Body exceeds ${limit} bytes`));
  if (req.readableEnded) return Promise.resolve(Buffer.alloc(0));
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (error: CharonError | null): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
      if (error) {
        // Whatever the request emits once given up on is nobody's business: it must not crash the process.
        req.on('error', () => undefined);
        reject(error);
      } else {
        resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks));
      }
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size <= limit) return void chunks.push(chunk);
      finish(new CharonError('ERR_PAYLOAD_TOO_LARGE', `Body exceeds ${limit} bytes`));
      // Nothing more is read: the refusal is answered, then Node closes the connection, whose body was left unread.
      req.pause();
    };
    const onEnd = (): void => finish(null);
    // A client that hangs up mid-body (or trickles it past the request timeout) is its own problem, not an internal error.
    const onError = (cause: unknown): void => finish(new CharonError('ERR_INVALID_INPUT', 'The request body was not received in full', { cause }));
    const onClose = (): void => onError(new Error('The request closed before its body ended'));
    req.on('data', onData);
    req.once('end', onEnd);
    req.once('error', onError);
    req.once('close', onClose);
    if (req.destroyed) onClose();
  });
}

export async function readJson(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<unknown> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json') throw new CharonError('ERR_UNSUPPORTED_MEDIA_TYPE', 'Content-Type must be application/json');
  const body = await readBody(req, limit);
  if (body.length === 0) return {};
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body)) as unknown;
  } catch {
    throw new CharonError('ERR_INVALID_INPUT', 'Body is not valid UTF-8 JSON');
  }
}

export async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') throw new CharonError('ERR_UNSUPPORTED_MEDIA_TYPE', 'Content-Type must be application/x-www-form-urlencoded');
  return new URLSearchParams((await readBody(req)).toString('utf8'));
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

export function sendError(res: ServerResponse, error: unknown, headers: Record<string, string> = {}): void {
  const payload: ErrorPayload = toErrorPayload(error);
  if (payload.code === 'ERR_INTERNAL') console.error('charon: internal error', error);
  sendJson(res, httpStatusOf(payload.code), errorBody(payload), headers);
}

/** The Host values and Origins a listener answers to: anything else is refused (DNS rebinding). */
export interface HostRules {
  readonly hosts: readonly string[];
  readonly origins: readonly string[];
}

/**
 * DNS-rebinding defence: the Host must name this listener (a loopback name, or one of the remote
 * listener's configured names), and an Origin, if any, must be one of the listener's own origins.
 */
export function checkHostAndOrigin(req: IncomingMessage, rules: HostRules): void {
  const host = req.headers.host;
  if (!host || !rules.hosts.includes(host.toLowerCase())) throw new CharonError('ERR_BAD_HOST', 'Host header does not name this listener');
  const origin = req.headers.origin;
  if (origin !== undefined && !rules.origins.includes(origin)) throw new CharonError('ERR_BAD_ORIGIN', 'Origin not allowed');
}

/** A loopback listener: 127.0.0.1, localhost and [::1] on its port, and its own address (another of 127/8). */
export function loopbackRules(port: number, ownHost?: string): HostRules {
  const hosts = [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`];
  if (ownHost && /^127\./.test(ownHost) && ownHost !== '127.0.0.1') hosts.push(`${ownHost}:${port}`);
  return { hosts, origins: hosts.map((h) => `http://${h}`) };
}

/** The remote (TLS) listener: exactly the names the owner configured, on its port (and bare on 443). */
export function namedRules(port: number, names: readonly string[]): HostRules {
  const hosts = names.flatMap((name) => {
    const host = name.includes(':') ? `[${name}]` : name.toLowerCase();
    return port === 443 ? [`${host}:443`, host] : [`${host}:${port}`];
  });
  return { hosts, origins: hosts.map((h) => `https://${h}`) };
}

export const loopbackOrigins = (port: number): readonly string[] => loopbackRules(port).origins;
