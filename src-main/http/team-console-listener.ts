// The remote console (team mode): the built console and the operator contract over TLS, for
// operators who sign in with their passkey (WebAuthn, RP ID = the console's name). The session is
// a random token in a `__Host-` cookie: Secure, HttpOnly, SameSite=Strict, for this origin only;
// every POST must also carry this origin's Origin, so no other site can ride on it.
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import type { OperatorEventSink } from '../../src-shared/operator-api.js';
import { enrolBeginBody, enrolCompleteBody, signInCompleteBody, type ConsoleSessionDto } from '../../src-shared/team.js';
import type { z } from 'zod';
import { SESSION_TTL_MS, type SignedIn, type TeamConsole } from '../app/team-console.js';
import { CharonError } from '../core/errors.js';
import { parseBody } from './agent-schemas.js';
import { closeServer, listen } from './agent-listener.js';
import { checkHostAndOrigin, namedRules, readJson, sendJson } from './http-io.js';
import { answerError, answerOperatorCall, streamEvents } from './operator-bridge.js';
import { serveStatic } from './static-files.js';

export const SESSION_COOKIE = '__Host-charon_session';

export interface TeamConsoleOptions {
  readonly console: TeamConsole;
  readonly address: string;
  readonly port: number;
  readonly name: string;
  readonly tls: { readonly cert: Buffer | string; readonly key: Buffer | string };
  readonly staticDir?: string;
  readonly subscribe: (sink: OperatorEventSink) => () => void;
}

export interface TeamConsoleListener {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

export async function startTeamConsole(options: TeamConsoleOptions): Promise<TeamConsoleListener> {
  const team = options.console;
  const staticDir = options.staticDir ? resolve(options.staticDir) : null;
  let port = options.port;

  const signedIn = (req: IncomingMessage): SignedIn => {
    const token = cookieOf(req, SESSION_COOKIE);
    const session = token ? team.operators.session(token) : null;
    if (!session) throw new CharonError('ERR_UNAUTHENTICATED', 'Sign in with your passkey');
    return session;
  };

  // Set once listening (a configured port 0 picks one); no request is served before.
  let rules = namedRules(port, [options.name]);
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    checkHostAndOrigin(req, rules);
    // A cookie-borne session must not be usable from another site: every state-changing call names our origin.
    if (req.method !== 'GET' && req.method !== 'HEAD' && !rules.origins.includes(req.headers.origin ?? '')) throw new CharonError('ERR_BAD_ORIGIN', 'A console call must come from the console’s own origin');
    const path = new URL(req.url ?? '/', 'https://console.invalid').pathname;
    const body = async <T>(schema: z.ZodType<T>): Promise<T> => parseBody(schema, await readJson(req));

    if (path === '/session' && req.method === 'GET') return sendJson(res, 200, { ok: true, value: sessionDto(signedIn(req)) });
    if (req.method === 'POST' && path.startsWith('/session/')) {
      switch (path) {
        case '/session/sign-in/begin':
          return sendJson(res, 200, { ok: true, value: await team.operators.signInBegin(team.rp) });
        case '/session/sign-in/complete': {
          const input = await body(signInCompleteBody);
          const { token, session } = await team.operators.signInComplete(input.ceremonyId, input.assertion, team.rp);
          return sendJson(res, 200, { ok: true, value: sessionDto(session) }, { 'set-cookie': `${SESSION_COOKIE}=${token}; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=${SESSION_TTL_MS / 1000}` });
        }
        case '/session/enrol/begin':
          return sendJson(res, 200, { ok: true, value: await team.operators.enrolBegin((await body(enrolBeginBody)).invite, team.rp) });
        case '/session/enrol/complete': {
          const input = await body(enrolCompleteBody);
          return sendJson(res, 200, { ok: true, value: await team.operators.enrolComplete(input.invite, input.ceremonyId, input.registration, input.label, team.rp) });
        }
        case '/session/sign-out':
          team.operators.signOut(signedIn(req));
          return sendJson(res, 200, { ok: true, value: null }, { 'set-cookie': `${SESSION_COOKIE}=; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=0` });
      }
    }
    if (path.startsWith('/api/')) {
      const session = signedIn(req);
      if (path === '/api/events' && req.method === 'GET') return streamEvents(req, res, (sink) => options.subscribe((m) => team.sees(session.operator, m.data) && sink(m)));
      return answerOperatorCall(req, res, path, team.handlersFor(session.operator));
    }
    if (req.method === 'GET' && staticDir && (await serveStatic(staticDir, path, res))) return;
    throw new CharonError('ERR_NOT_FOUND', 'Not found');
  };

  // RFC 9110 §11.6.1: a 401 names how to authenticate. Here: a passkey, for this console's RP ID, from its sign-in route.
  const challenge = (status: number) => (status === 401 ? { 'www-authenticate': `Passkey realm="${team.rp.id}", sign_in="/session/sign-in/begin"` } : undefined);
  const server: Server = createServer({ cert: options.tls.cert, key: options.tls.key, minVersion: 'TLSv1.2' }, (req, res) => void handle(req, res).catch((error: unknown) => answerError(res, error, 'team console', challenge)));
  server.headersTimeout = 10_000;
  await listen(server, options.port, options.address);
  port = (server.address() as AddressInfo).port;
  rules = namedRules(port, [options.name]);
  team.listening(port);
  return { url: rules.origins[0] as string, port, close: () => closeServer(server) };
}

const sessionDto = (s: SignedIn): ConsoleSessionDto => ({ operator: { id: s.operator.id, role: s.operator.role }, expiresAt: s.expiresAt });

function cookieOf(req: IncomingMessage, name: string): string | null {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=') || null;
  }
  return null;
}
